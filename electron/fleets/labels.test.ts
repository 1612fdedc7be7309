import { describe, expect, it } from 'vitest';
import {
  composeContainerLabels,
  composeContainerName,
  composeNetworkName,
  composeVolumeLabels,
  composeVolumeName,
  labelArgs,
  stackLabels,
  stackNetworkName,
  stackServiceLabels,
  stackServiceName,
  stackVolumeName,
} from './labels.js';

describe('fleet labels and names', () => {
  it('follows compose conventions', () => {
    expect(composeContainerName('bigchem', 'worker', 2)).toBe('bigchem-worker-2');
    expect(composeNetworkName('bigchem')).toBe('bigchem_default');
    expect(composeVolumeName('bigchem', 'broker')).toBe('bigchem_broker');
    expect(composeContainerLabels('bigchem', 'worker', 2)).toEqual({
      'com.docker.compose.project': 'bigchem',
      'com.docker.compose.service': 'worker',
      'com.docker.compose.oneoff': 'False',
      'com.docker.compose.container-number': '2',
      'io.simdeck.fleet': 'bigchem',
    });
    expect(composeVolumeLabels('bigchem', 'scratch')).toEqual({
      'com.docker.compose.project': 'bigchem',
      'com.docker.compose.volume': 'scratch',
      'io.simdeck.fleet': 'bigchem',
    });
  });

  it('follows stack conventions', () => {
    expect(stackServiceName('bigchem', 'broker')).toBe('bigchem_broker');
    expect(stackNetworkName('bigchem')).toBe('bigchem_default');
    expect(stackVolumeName('bigchem', 'backend')).toBe('bigchem_backend');
    expect(stackLabels('bigchem')).toEqual({ 'com.docker.stack.namespace': 'bigchem', 'io.simdeck.fleet': 'bigchem' });
    expect(stackServiceLabels('bigchem', 'redis:7-alpine')).toEqual({
      'com.docker.stack.namespace': 'bigchem',
      'com.docker.stack.image': 'redis:7-alpine',
      'io.simdeck.fleet': 'bigchem',
    });
    expect(labelArgs({ a: '1' })).toEqual(['--label', 'a=1']);
  });
});
