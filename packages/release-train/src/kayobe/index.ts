export {
  KayobeConfigError,
  PULP_REPO_VERSIONS_FILE,
  updateKayobeConfig,
  updatePulpRepoVersions,
  type VersionsUpdate,
  versionVariable,
} from "./pulp-repo-versions";
export { describeUpdate, PULL_REQUEST_TITLE, type ProposeOptions, type ProposeResult, proposeKayobeUpdate } from "./propose";
export { githubRepositoryOf, proposeFromCheckout } from "./from-checkout";
