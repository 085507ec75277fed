// A request to sign in raised by a 401 anywhere: the shell shows a dialog over the current page
// (so the page, and what was typed in it, stays mounted), and every waiting call resumes after.

export class SignInPrompt {
  private waiting: ((signedIn: boolean) => void)[] = [];
  private readonly listeners = new Set<() => void>();

  /** True while the dialog should be shown. */
  get isOpen(): boolean {
    return this.waiting.length > 0;
  }

  /** Asks for a sign-in; resolves true once signed in, false when the person closes the dialog. */
  open(): Promise<boolean> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      if (this.waiting.length === 1) this.emit();
    });
  }

  /** Ends the request: every caller waiting gets the same answer. */
  settle(signedIn: boolean): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve(signedIn);
    this.emit();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}
