/** Sign in with a username and password (POST /v1/session); the session cookie is set by the server. */
import { useState } from 'react';
import type { FormEvent } from 'react';
import { Button, Form, Input, Label, TextField } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { useNavigate } from '@tanstack/react-router';
import { api, dataOf } from '../api/client';
import { ErrorPanel } from '../components';
import { useSetSession } from '../session';
import { homeOf } from '../roles';

export function SignIn() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const setSession = useSetSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const session = dataOf(await api.POST('/v1/session', { body: { username, password } }));
      setSession(session);
      await navigate({ to: homeOf(session.role) });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" className="sign-in">
      <h1>{t('signIn.title')}</h1>
      <Form onSubmit={(e) => void submit(e)} className="form">
        <TextField name="username" isRequired value={username} onChange={setUsername} autoComplete="username">
          <Label>{t('signIn.username')}</Label>
          <Input className="input" />
        </TextField>
        <TextField
          name="password"
          type="password"
          isRequired
          value={password}
          onChange={setPassword}
          autoComplete="current-password"
        >
          <Label>{t('signIn.password')}</Label>
          <Input className="input" />
        </TextField>
        {error !== undefined && <ErrorPanel error={error} />}
        <Button type="submit" className="button" isDisabled={busy}>
          {busy ? t('signIn.busy') : t('signIn.submit')}
        </Button>
      </Form>
      <p className="hint">{t('signIn.demo')}</p>
    </main>
  );
}
