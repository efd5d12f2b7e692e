export {
  describeWithShared,
  openapiSpecPath,
  recordingsDir,
  repoRoot,
  sharedAbsentMessage,
  sharedDir,
} from "./shared";
export {
  findOperation,
  type Operation,
  requestFields,
  responseFields,
  useSpec,
  validateRequest,
  validateResponse,
} from "./openapi";
