import {
  callSchemas,
  type BridgeError,
  type BridgeErrorCode,
  type BridgeResult,
  type CallName,
  type CallResults,
  type ParsedCallArgs,
} from '../../../preload/contract';
import { describeIssues } from '../validation';

/** What main implements: one handler per call of the contract, receiving arguments already parsed. */
export type BridgeHandlers = {
  [N in CallName]: (...args: ParsedCallArgs<N>) => CallResults[N] | Promise<CallResults[N]>;
};

/** Thrown by a handler to answer with a specific code; any other error becomes INTERNAL. */
export class BridgeFailure extends Error {
  constructor(
    readonly code: BridgeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BridgeFailure';
  }
}

export type Dispatch = (name: unknown, args: unknown) => Promise<BridgeResult<unknown>>;

function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && Object.hasOwn(callSchemas, name);
}

function failure(code: BridgeErrorCode, message: string): { ok: false; error: BridgeError } {
  return { ok: false, error: { code, message } };
}

/**
 * The one dispatcher that serves the contract, for Electron IPC and browser mode alike.
 * Every argument is `unknown` until its schema accepts it; nothing it does throws to the caller.
 */
export function createDispatcher(
  handlers: BridgeHandlers,
  logError: (message: string, error: unknown) => void,
): Dispatch {
  return async (name, args) => {
    if (!isCallName(name)) {
      return failure('UNKNOWN_CALL', `unknown call ${typeof name === 'string' ? `"${name}"` : typeof name}`);
    }
    const parsed = callSchemas[name].safeParse(args);
    if (!parsed.success) {
      return failure('INVALID_ARGUMENT', describeIssues(parsed.error, `${name}: args`));
    }
    try {
      const handler = handlers[name] as (...handlerArgs: unknown[]) => unknown;
      const value = await handler(...(parsed.data as unknown[]));
      return { ok: true, value };
    } catch (error) {
      if (error instanceof BridgeFailure) return failure(error.code, error.message);
      logError(`bridge call ${name} failed`, error);
      return failure('INTERNAL', `${name} failed inside DutyDesk; the log has the details`);
    }
  };
}
