// Labels and names for fleet objects, following what `docker compose -p <fleet>` (local Docker) and
// `docker stack deploy <fleet>` (Swarm) create, so the CLI tools recognise SimDeck's objects as their own.
// Notes: shared/notes/nrp-and-bigchem.md B2, B11. Pure functions.

/** Every object SimDeck creates for a fleet carries this label; its value is the fleet name. */
export const FLEET_LABEL = 'io.simdeck.fleet';

export const COMPOSE_PROJECT = 'com.docker.compose.project';
export const COMPOSE_SERVICE = 'com.docker.compose.service';
export const COMPOSE_ONEOFF = 'com.docker.compose.oneoff';
export const COMPOSE_CONTAINER_NUMBER = 'com.docker.compose.container-number';
export const COMPOSE_NETWORK = 'com.docker.compose.network';
export const COMPOSE_VOLUME = 'com.docker.compose.volume';
export const STACK_NAMESPACE = 'com.docker.stack.namespace';
export const STACK_IMAGE = 'com.docker.stack.image';

export type Labels = Record<string, string>;

// ---- compose (local Docker) ----

/** Labels every compose object of the project carries. */
export function composeProjectLabels(project: string): Labels {
  return { [COMPOSE_PROJECT]: project, [FLEET_LABEL]: project };
}

/** Labels of container number `n` (1-based) of `service`. */
export function composeContainerLabels(project: string, service: string, n: number): Labels {
  return {
    [COMPOSE_PROJECT]: project,
    [COMPOSE_SERVICE]: service,
    [COMPOSE_ONEOFF]: 'False',
    [COMPOSE_CONTAINER_NUMBER]: String(n),
    [FLEET_LABEL]: project,
  };
}

export function composeNetworkLabels(project: string, network = 'default'): Labels {
  return { [COMPOSE_PROJECT]: project, [COMPOSE_NETWORK]: network, [FLEET_LABEL]: project };
}

export function composeVolumeLabels(project: string, volume: string): Labels {
  return { [COMPOSE_PROJECT]: project, [COMPOSE_VOLUME]: volume, [FLEET_LABEL]: project };
}

/** Compose v2 container name: `<project>-<service>-<n>`. */
export function composeContainerName(project: string, service: string, n: number): string {
  return `${project}-${service}-${n}`;
}

/** `<project>_<network>`, e.g. `bigchem_default`. */
export function composeNetworkName(project: string, network = 'default'): string {
  return `${project}_${network}`;
}

/** `<project>_<volume>`, e.g. `bigchem_broker`. */
export function composeVolumeName(project: string, volume: string): string {
  return `${project}_${volume}`;
}

// ---- stack (Swarm) ----

/** Labels of a stack's networks, volumes and secrets (and of service tasks' containers). */
export function stackLabels(stack: string): Labels {
  return { [STACK_NAMESPACE]: stack, [FLEET_LABEL]: stack };
}

/** Labels of a stack service: the namespace plus the image it was deployed with. */
export function stackServiceLabels(stack: string, image: string): Labels {
  return { [STACK_NAMESPACE]: stack, [STACK_IMAGE]: image, [FLEET_LABEL]: stack };
}

/** `<stack>_<service>`, e.g. `bigchem_worker`. */
export function stackServiceName(stack: string, service: string): string {
  return `${stack}_${service}`;
}

/** `<stack>_<network>`, e.g. `bigchem_default`. */
export function stackNetworkName(stack: string, network = 'default'): string {
  return `${stack}_${network}`;
}

/** `<stack>_<volume>`; the same scheme names stack secrets declared in the stack. */
export function stackVolumeName(stack: string, volume: string): string {
  return `${stack}_${volume}`;
}

/** `--label k=v` pairs for a CLI line (unquoted argv; pass through commandLine). */
export function labelArgs(labels: Labels, flag = '--label'): string[] {
  return Object.entries(labels).flatMap(([k, v]) => [flag, `${k}=${v}`]);
}
