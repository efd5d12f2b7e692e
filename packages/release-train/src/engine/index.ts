// The shared engine of every flow (package sync, container sync, promotion, kolla-build): batched
// task watching, the state file, task dispatch/re-attach, bounded keep-going apply, console
// reporting and job summaries. Contract: docs/design.md, "Shared engine".
export { type ApplyOptions, applyItems, errorText, type ItemContext, type ItemResult } from "./apply";
export { cell, formatDuration, table } from "./markdown";
export { type ConsoleReporterOptions, consoleReporter, type Progress, type Reporter } from "./reporter";
export { type StateData, StateFile } from "./state-file";
export { type SummaryTable, summaryMarkdown, type WriteSummaryOptions, writeSummary } from "./summary";
export { FINAL_STATES, type TaskRecord, TaskFailedError, TaskWatcher, type TaskWatcherOptions } from "./task-watcher";
export { type FindTasks, type TaskOrigin, type TaskRun, TaskRunner, type TaskRunOptions } from "./tasks";
export { findTasks, listTasks, openPulpTasks, type Polling } from "./pulp-tasks";
