// Environment recreation: which managers are installed, the plan (files + commands), writing files, running.
export { detectManagers, installHint, MANAGER_NAMES, parseVersion } from './managers.js';
export {
  childDir,
  defaultEnvDirName,
  ENVIRONMENT_METADATA_FILE,
  mambaBackupDir,
  planRecreate,
  pythonJsonDumps,
  recreateFiles,
  runOptionsForPlan,
  writeRecreateFiles,
} from './plan.js';
export type { PlanOptions, RecreateFile, RecreateMode } from './plan.js';
export { startRun } from './run.js';
export type { OutputStream, RunHandle, RunProgress, StartRunOptions } from './run.js';
export { isBatchFile, which } from './which.js';
