// The seed's parameters (proteinbenchmark-nrp at a84759b, notes A2/A3) as a CampaignSpec: the reference the
// manifest tests compare against, and a worked example for the campaign wizard.
import type { CampaignSpec } from '../../../shared/kube.js';
import { defaultWindows } from './centres.js';

export const SEED_COMMIT = 'a84759b82298ccfdc41dabd4ce17fc401f10e49d';

export function seedSpec(overrides: Partial<CampaignSpec> = {}): CampaignSpec {
  return {
    projectId: 'proj-1',
    targetId: 'nrp',
    initials: 'jm',
    target: 'gb3',
    forceField: 'null-0.0.3-pair-opc3',
    replicas: 3,
    windows: defaultWindows(),
    repoUrl: 'https://github.com/openforcefield/proteinbenchmark-nrp.git',
    commit: SEED_COMMIT,
    scriptPath: 'umbrella-scripts/run-umbrella-window.py',
    requiredFiles: [],
    image: 'ghcr.io/openforcefield/proteinbenchmark-nrp:latest',
    resources: { gpu: 1, cpu: '1', memory: '5Gi', ephemeralStorage: '20Gi' },
    cuda: { major: '12', minor: '4' },
    secrets: { rcloneConfig: 'jm-rclone-config', licence: 'oe-license-feb-2024' },
    remote: 'nrp-internal',
    bucket: 'proteinbenchmark-jm-bucket',
    prefix: 'results',
    pipInstall: 'git+https://github.com/openforcefield/proteinbenchmark.git@nagl',
    backoffLimit: 10,
    ttlSecondsAfterFinished: null,
    ...overrides,
  };
}
