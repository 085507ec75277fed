import type { DescMethod, DescService } from "@bufbuild/protobuf";
import { Code, ConnectError, createContextValues, type HandlerContext } from "@connectrpc/connect";

/** Where a call comes from: what its handler context is made of. */
export interface CallInit {
  /** "grpc" or "rest": handlers and interceptors may read it from the context. */
  protocolName: string;
  /** The path (and query) the call arrived on. */
  url: string;
  /** Request headers (gRPC metadata). */
  header: Headers;
  /** What is left of the caller's deadline, if it gave one. */
  timeoutMs?: number;
  /** Aborted when the caller goes away. */
  signal?: AbortSignal;
}

/**
 * A handler context that creates its abort signal (and the deadline's timer) only when
 * somebody asks for it: most unary handlers never do, and Connect's `createHandlerContext`
 * builds two linked AbortControllers per call (a measured 4 % of a service's CPU).
 * `finish` releases them once the call is over, as Connect's own handlers do.
 */
export class CallContext implements HandlerContext {
  readonly service: DescService;
  readonly requestMethod = "POST";
  readonly protocolName: string;
  readonly url: string;
  readonly requestHeader: Headers;
  readonly responseHeader = new Headers();
  readonly responseTrailer = new Headers();
  values = createContextValues();
  private readonly deadline: number | undefined;
  private controller: AbortController | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly method: DescMethod,
    private readonly init: CallInit,
  ) {
    this.service = method.parent;
    this.protocolName = init.protocolName;
    this.url = init.url;
    this.requestHeader = init.header;
    this.deadline = init.timeoutMs === undefined ? undefined : Date.now() + init.timeoutMs;
  }

  timeoutMs(): number | undefined {
    return this.deadline === undefined ? undefined : this.deadline - Date.now();
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      const controller = new AbortController();
      this.controller = controller;
      const caller = this.init.signal;
      if (caller?.aborted) controller.abort(caller.reason);
      else caller?.addEventListener("abort", () => controller.abort(caller.reason), { once: true });
      const left = this.timeoutMs();
      if (left !== undefined) {
        this.timer = setTimeout(
          () => controller.abort(new ConnectError("the operation timed out", Code.DeadlineExceeded)),
          Math.max(0, left),
        );
      }
    }
    return this.controller.signal;
  }

  /** The context a handler sees: interceptors may have replaced the values (the caller's identity). */
  with(values: HandlerContext["values"]): HandlerContext {
    this.values = values;
    return this;
  }

  /** The call is over: stop the deadline's timer and tell whoever listens. */
  finish(): void {
    clearTimeout(this.timer);
    this.controller?.abort(new ConnectError("the call is over", Code.Canceled));
  }
}
