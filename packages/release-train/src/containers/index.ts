// Container image repositories: Kolla config, plan and apply over the shared engine.
export { baseDistros, type ImageRepo, type ImageSelection, ImageSelectionError, type KollaConfig, loadKollaConfig, selectImageRepos } from "./config";
export { ARK_VERSION_LABEL, type ContainerTarget, describeContainerPlan, type Namespaces, type TestRemoteSettings } from "./plan";
export { type ContainerPulp, containerPort } from "./pulp-port";
export { type ContainerSyncOptions, type ContainerSyncResult, type ImageResult, namespacesOf, syncContainerRepos } from "./run";
export { containerReporter, containerSyncSummary } from "./summary";
