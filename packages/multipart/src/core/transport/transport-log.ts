import { InputError } from "../errors.js";
import { redactSecrets } from "../redact.js";

/** Any object with these methods: `console`, pino, winston… */
export interface Logger {
  /** One line per API call and part attempt. */
  debug(message: string): void;
  /** Retries, credential refreshes, resumes. */
  info(message: string): void;
  /** Integrity checks skipped, and other things worth a look. */
  warn(message: string): void;
  /** Reserved for failures the caller does not see as an error. */
  error(message: string): void;
}

/** The least severe lines logged: `debug`, `info`, `warn`, `error`, or `off` for none. */
export type LogLevel = "debug" | "info" | "warn" | "error" | "off";

const LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error", "off"];

/**
 * The transport's log: one line per API call and per part attempt at `debug`; retries, credential refreshes and
 * resumes at `info`; integrity checks skipped at `warn`. Every line has its secrets and URL signatures masked
 * before it reaches the logger. The level is `logLevel`, else `UPLOADKIT_LOG` from the environment, else `warn`.
 */
export class TransportLog {
  private readonly threshold: number;

  constructor(
    private readonly logger: Logger,
    level: LogLevel | undefined,
    private readonly secrets: () => readonly string[],
  ) {
    const chosen = level ?? (environmentLogLevel() as LogLevel | undefined) ?? "warn";
    if (!LEVELS.includes(chosen)) {
      throw new InputError(`logLevel must be one of ${LEVELS.join(", ")}, got ${JSON.stringify(chosen)}.`, {
        code: "INPUT_LOG_LEVEL",
      });
    }
    for (const method of ["debug", "info", "warn", "error"] as const) {
      if (typeof logger?.[method] !== "function") {
        throw new InputError(
          `logger must have debug, info, warn and error methods (console and pino do); ${method} is missing.`,
          {
            code: "INPUT_LOGGER",
          },
        );
      }
    }
    this.threshold = LEVELS.indexOf(chosen);
  }

  enabled(level: Exclude<LogLevel, "off">): boolean {
    return LEVELS.indexOf(level) >= this.threshold;
  }

  debug(message: string): void {
    this.write("debug", message);
  }

  info(message: string): void {
    this.write("info", message);
  }

  warn(message: string): void {
    this.write("warn", message);
  }

  private write(level: "debug" | "info" | "warn" | "error", message: string): void {
    if (!this.enabled(level)) return;
    this.logger[level](`[uploadkit] ${redactSecrets(message, this.secrets())}`);
  }
}

/** `UPLOADKIT_LOG`, where the runtime has an environment (Node, Bun, Deno with env access). */
function environmentLogLevel(): string | undefined {
  try {
    return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.UPLOADKIT_LOG;
  } catch {
    return undefined;
  }
}
