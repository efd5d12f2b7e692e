export {
  describeWithShared,
  openapiSpecPath,
  recordingsDir,
  sharedDir,
} from "./shared";
export {
  findOperation,
  type Operation,
  type RequestOptions,
  requestFields,
  responseFields,
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
