// Record views and environment inspection (see record.ts and environment.ts).
export { pickleScoresWarning, toRecordView } from './record.js';
export type { RecordViewOptions } from './record.js';
export {
  addRosettaCommonsChannel,
  condaChannelStripped,
  environmentKind,
  environmentSources,
  maskCredentials,
  pyrosettaPinned,
  ROSETTACOMMONS_CHANNEL,
  ROSETTACOMMONS_HOSTS,
  unusualReason,
  usesPyrosettaInstaller,
} from './environment.js';
export type { EnvironmentSources, UnusualSource } from './environment.js';
