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
  type RequestOptions,
  requestFields,
  responseFields,
  useSpec,
  validateRequest,
  validateResponse,
} from "./openapi";
export {
  type Exchange,
  type Interaction,
  isApiSpecFetch,
  loadRecording,
  type ReceivedRequest,
  type ReplayOptions,
  type ReplayServer,
  startReplay,
} from "./replay";
