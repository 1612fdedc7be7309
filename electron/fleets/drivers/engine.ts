// One Docker engine for a fleet driver: the dockerode client of a target, and its calls with errors turned into
// ApiErrors that name the endpoint (UNAVAILABLE when dockerd is down, so the observer backs off and retries).
import Docker from 'dockerode';
import type { Target } from '../../../shared/domain.js';
import { ApiError } from '../../../shared/errors.js';
import { mapDockerError, resolveDockerEndpoint, type DockerEndpoint } from '../../docker/endpoint.js';

export class Engine {
  readonly ep: DockerEndpoint;
  readonly docker: Docker;

  constructor(target: Target) {
    this.ep = resolveDockerEndpoint(target);
    this.docker = new Docker(this.ep.options);
  }

  async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      throw err instanceof ApiError ? err : mapDockerError(err, this.ep);
    }
  }
}
