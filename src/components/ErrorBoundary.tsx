/** Catches a render error in one part of the page and shows it there, so the rest never goes blank. */
import { Component, type ErrorInfo, type ReactNode } from 'react';

interface State {
  error: Error | null;
}

export class ErrorBoundary extends Component<{ label: string; children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    // Keep the stack for whoever opens the console; the page shows a short message.
    console.warn(`${this.props.label} failed to render`, error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div
        role="alert"
        className="rounded-md border border-[var(--color-error-text)] p-3 text-sm text-[var(--color-error-text)]"
      >
        <p>
          {this.props.label} could not be drawn: {this.state.error.message}
        </p>
        <button type="button" className="link-button mt-1" onClick={() => this.setState({ error: null })}>
          Try again
        </button>
      </div>
    );
  }
}
