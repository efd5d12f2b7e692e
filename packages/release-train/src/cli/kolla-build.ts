// `release-train kolla-build`: build, scan, push and report Kolla images (plan mode prints the tag
// and distro matrix only), as the kolla-build action does.
import { Command, InvalidArgumentError, Option } from "commander";
import { finishKollaBuild, planFromOptions, runKollaBuild, writeSummary } from "../kolla-build/main";
import { action, printJson } from "./errors";

interface Opts {
  regexes: string;
  overcloud: boolean;
  seed: boolean;
  distros?: string;
  push: boolean;
  pushDirty: boolean;
  buildCommand: string;
  buildArg: string[];
  kollaLog?: string;
  engine: "docker" | "podman" | "oci";
  ociDir?: string;
  registry?: string;
  namespace: string;
  registryUrl?: string;
  insecureRegistry?: boolean;
  registryUsername?: string;
  registryPassword?: string;
  openstackRelease?: string;
  timestamp?: string;
  kayobeConfig: string;
  scan: "auto" | "always" | "never";
  scanCommand?: string;
  logDir: string;
  pushAttempts: number;
  pushRetryDelay: number;
  concurrency: number;
  plan?: boolean;
  dryRun?: boolean;
  json?: boolean;
  summaryFile?: string;
  updateImageTags?: boolean;
  githubToken?: string;
  dispatchRepository?: string;
  dispatchWorkflow: string;
  dispatchRef: string;
  dispatchInputs?: Record<string, string>;
}

const positiveInt = (value: string): number => {
  if (!/^[1-9][0-9]*$/.test(value)) throw new InvalidArgumentError("must be a positive integer");
  return Number(value);
};
const seconds = (value: string): number => {
  if (!/^[0-9]+(\.[0-9]+)?$/.test(value)) throw new InvalidArgumentError("must be a number of seconds");
  return Number(value);
};
const collect = (value: string, previous: string[]) => [...previous, value];
const jsonObject = (value: string): Record<string, string> => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new InvalidArgumentError(`is not JSON: ${(error as Error).message}`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== "string")) {
    throw new InvalidArgumentError('must be a JSON object of strings, e.g. {"sync-old-images": "false"}');
  }
  return parsed as Record<string, string>;
};

export function kollaBuildCommand(): Command {
  return new Command("kolla-build")
    .description("build Kolla container images per distro with one tag, scan, push to the development namespace and report")
    .option("--regexes <regexes>", "whitespace-separated regular expressions of overcloud images to build (default all)", "")
    .option("--no-overcloud", "do not build overcloud images")
    .option("--seed", "also build seed (bifrost) images", false)
    .option("--distros <names>", "distros, comma or space separated (rocky-9, rocky-10, ubuntu-jammy, ubuntu-noble; default rocky-9 ubuntu-jammy ubuntu-noble)")
    .option("--no-push", "build and scan, push nothing")
    .option("--push-dirty", "also push images with critical vulnerabilities", false)
    .option("--openstack-release <release>", "e.g. 2025.1 (default: .gitreview defaultbranch of --kayobe-config)")
    .option("--timestamp <YYYYMMDDTHHMMSS>", "tag timestamp shared by every image (default now, UTC)")
    .option("--kayobe-config <dir>", "kayobe-config checkout (build directory, .gitreview, Trivy allow-list, kolla-image-tags.yml)", ".")
    .option("--build-command <path>", "kayobe executable (or a compatible front end)", "kayobe")
    .option("--build-arg <arg>", "extra argument for every build, repeatable (e.g. --build-arg=-e --build-arg=foo=bar)", collect, [])
    .option("--kolla-log <file>", "kolla-build log the build appends to ('' for none)", "/var/log/kolla-build.log")
    .addOption(new Option("--engine <engine>", "container engine the build uses (oci: none, OCI layouts pushed through the registry API)").choices(["docker", "podman", "oci"]).default("docker"))
    .option("--oci-dir <dir>", "engine oci: directory of the OCI layouts the build writes ($KOLLA_OCI_DIR for the build)")
    .addOption(new Option("--registry <host>", "registry the images are named for and pushed to (e.g. ark.example.com)").env("KOLLA_REGISTRY"))
    .option("--namespace <namespace>", "registry namespace", "stackhpc-dev")
    .option("--registry-url <url>", "registry API root for verification (default https://<registry>)")
    .option("--insecure-registry", "plain HTTP / no TLS verification for the registry")
    .option("--registry-username <name>", "log in to the registry before pushing")
    .addOption(new Option("--registry-password <password>", "registry password").env("REGISTRY_PASSWORD"))
    .addOption(new Option("--scan <mode>", "vulnerability scan: auto (when the scanner is installed), always, never").choices(["auto", "always", "never"]).default("auto"))
    .option("--scan-command <words>", "scanner command (words; the image is appended; prints a Trivy JSON report)")
    .option("--log-dir <dir>", "where build logs, scan reports and the result file go", "kolla-build-logs")
    .option("--push-attempts <n>", "attempts per image push", positiveInt, 5)
    .option("--push-retry-delay <seconds>", "first delay between push attempts (doubles)", seconds, 5)
    .option("--concurrency <n>", "pushes in parallel", positiveInt, 4)
    .option("--plan", "print the plan (tags, matrix) as JSON and stop")
    .option("--dry-run", "print the plan and the commands, run nothing")
    .option("--json", "print the result as JSON")
    .option("--summary-file <file>", "append the Markdown summary here (default: $GITHUB_STEP_SUMMARY)")
    .option("--update-image-tags", "rewrite kolla-image-tags.yml in --kayobe-config (a pull request with --github-token)")
    .addOption(new Option("--github-token <token>", "token for the kolla-image-tags pull request and the dispatch").env("GITHUB_TOKEN"))
    .option("--dispatch-repository <owner/name>", "dispatch the container sync workflow of this repository for what was pushed")
    .option("--dispatch-workflow <file>", "container sync workflow (workflow_dispatch with a filter input)", "container-publish-sync.yml")
    .option("--dispatch-ref <ref>", "ref to run it on", "main")
    .option("--dispatch-inputs <json>", "more workflow inputs (JSON object of strings)", jsonObject)
    .action(
      action(async (opts: Opts) => {
        const code = await runKollaBuildCli(opts);
        if (code) process.exitCode = code;
      }),
    );
}

export async function runKollaBuildCli(opts: Opts, env: NodeJS.ProcessEnv = process.env, write = (t: string) => process.stdout.write(t)): Promise<number> {
  const request = { ...opts, regexes: opts.regexes, kayobeConfig: opts.kayobeConfig };
  if (opts.plan) {
    printJson(await planFromOptions(request));
    return 0;
  }
  if (!opts.registry) throw new InvalidArgumentError("--registry (or $KOLLA_REGISTRY) is required to build");
  const log = opts.json ? (t: string) => process.stderr.write(t) : write;
  const run = await runKollaBuild({
    ...request,
    buildArgs: opts.buildArg,
    registry: opts.registry,
    scanCommand: opts.scanCommand?.split(/\s+/).filter(Boolean),
    pushRetryDelayMs: opts.pushRetryDelay * 1000,
    actions: env["GITHUB_ACTIONS"] === "true",
    write: log,
  });
  const token = opts.githubToken;
  const finish = await finishKollaBuild(run.results, {
    kayobeConfig: opts.kayobeConfig,
    updateImageTags: Boolean(opts.updateImageTags),
    githubToken: token,
    branchSuffix: run.plan.timestamp,
    dryRun: opts.dryRun,
    write: log,
    dispatch:
      opts.dispatchRepository && token
        ? { token, repository: opts.dispatchRepository, workflow: opts.dispatchWorkflow, ref: opts.dispatchRef, inputs: opts.dispatchInputs }
        : undefined,
  });
  if (opts.dispatchRepository && !token) finish.failures.push("--dispatch-repository needs --github-token (or $GITHUB_TOKEN)");
  const warning = await writeSummary(run.results, finish, opts.summaryFile ?? env["GITHUB_STEP_SUMMARY"], log);
  if (warning) process.stderr.write(`kolla-build: warning: ${warning}\n`);
  const failures = [...run.failures, ...finish.failures];
  if (opts.json) printJson({ plan: run.plan, results: run.results, finish, failures });
  if (failures.length) {
    process.stderr.write(`kolla-build: ${failures.length} failure(s):\n${failures.map((f) => `  - ${f}`).join("\n")}\n`);
    return 1;
  }
  return 0;
}


