/**
 * A reason asked before a step that others read (withdrawing a RIF, declining one): refused in words
 * at the field while empty, then handed to `onSend`. Part of the Cooperation screen's chunks.
 */
import { useState } from 'react';
import type { FormEvent } from 'react';
import { Button } from 'react-aria-components';

export function ReasonForm(props: {
  id: string;
  label: string;
  needsReason: string;
  send: string;
  pending: boolean;
  onSend: (reason: string) => void;
}) {
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState(false);
  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setProblem(reason.trim() === '');
    if (reason.trim() !== '') {
      props.onSend(reason.trim());
    }
  }
  return (
    <form id={props.id} className="rif-decline" onSubmit={submit} noValidate>
      <div className="field wide">
        <label htmlFor={`${props.id}-reason`}>{props.label}</label>
        <textarea
          id={`${props.id}-reason`}
          className="input"
          rows={2}
          maxLength={1000}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          aria-invalid={problem}
          {...(problem ? { 'aria-describedby': `${props.id}-problem` } : {})}
        />
        {problem && (
          <span id={`${props.id}-problem`} role="alert" className="field-error">
            {props.needsReason}
          </span>
        )}
      </div>
      <Button type="submit" className="button danger" isDisabled={props.pending}>
        {props.send}
      </Button>
    </form>
  );
}
