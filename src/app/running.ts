/** A long-running process part (the server, a worker): it runs until `stop()` resolves. */
export interface Running {
  /** What the process says when it starts to stop ("stopping", "draining"). */
  readonly stopping: string;
  stop(): Promise<void>;
}
