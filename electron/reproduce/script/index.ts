// Reproduction: checkout commands, the reproduce() script, the command that runs it, and the comparison.
export { compareRecords, SCORE_TOLERANCE } from './compare.js';
export { gitCommands, validateRepoUrl, validateSha1 } from './git.js';
export type { GitCommands, GitStep } from './git.js';
export { isPythonIdentifier, isPythonModulePath, pyStr, PYTHON_KEYWORDS } from './python.js';
export { environmentOverrideReasons, reproduceScript, runCommand } from './script.js';
export type { ReproduceScriptOptions, RunCommand } from './script.js';
