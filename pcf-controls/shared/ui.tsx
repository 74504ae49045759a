/** Small pieces the three controls share: the status line and the error bar. */
import * as React from 'react';
import { MessageBar, MessageBarBody, MessageBarTitle, Spinner } from '@fluentui/react-components';

export type Notice = { intent: 'success' | 'error' | 'warning' | 'info'; title?: string; text: string } | undefined;

export function NoticeBar({ notice }: { notice: Notice }) {
  // A polite live region, so screen readers hear the result of an action.
  return (
    <div role="status" aria-live="polite">
      {notice && (
        <MessageBar intent={notice.intent}>
          <MessageBarBody>
            {notice.title && <MessageBarTitle>{notice.title}</MessageBarTitle>}
            {notice.text}
          </MessageBarBody>
        </MessageBar>
      )}
    </div>
  );
}

export const Loading = ({ label }: { label: string }) => <Spinner size="small" label={label} />;

export const errorText = (error: unknown): string => (error instanceof Error ? error.message : typeof error === 'object' && error && 'message' in error ? String((error as { message: unknown }).message) : String(error));
