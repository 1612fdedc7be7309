// Electron shell: the preload script exposes one function per call as `window.simdeck`.
import type { Transport } from '../../shared/client.js';
import { ApiError } from '../../shared/errors.js';
import type { PreloadBridge } from '../../shared/transport.js';
import { isEnvelope, unwrap } from './envelope.js';
import { parseEventMessage } from './events.js';

export function createElectronTransport(bridge: PreloadBridge): Transport {
  return {
    async call(method, params) {
      const fn = bridge.calls[method];
      if (typeof fn !== 'function') {
        throw new ApiError('UNKNOWN_METHOD', `This SimDeck window does not offer "${method}". The UI and core may be from different versions; restart SimDeck.`);
      }
      const env: unknown = await fn(params);
      if (!isEnvelope(env)) throw new ApiError('INTERNAL', `SimDeck's core gave no usable answer to ${method}. Restart SimDeck; if it persists, report it with the log.`);
      return unwrap(env);
    },
    subscribe(listener) {
      return bridge.onEvent((event, payload) => {
        const msg = parseEventMessage({ event, payload });
        if (msg) listener(msg.event, msg.payload);
      });
    },
  };
}
