/**
 * Sign in: with the identity provider (a navigation to GET /v1/session/oidc, which comes back with
 * the session cookie set, or to this screen with `?error=CODE`) and/or with a username and password
 * (POST /v1/session), as GET /v1/session/methods says the instance allows.
 */
import { useState } from 'react';
import type { FormEvent } from 'react';
import { Button, Form, Input, Label, TextField } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { api, dataOf } from '../api/client';
import { ErrorPanel } from '../components';
import { useSetSession } from '../session';
import { homeOf } from '../roles';

const PROVIDER_ERRORS = [
  'VIGIL_OIDC_UNMAPPED',
  'VIGIL_ACCOUNT_LOCKED',
  'VIGIL_OIDC_ACCOUNT_CONFLICT',
  'VIGIL_OIDC_STATE_MISMATCH',
  'VIGIL_OIDC_FAILED',
  'VIGIL_OIDC_UNAVAILABLE',
  'VIGIL_OIDC_NOT_CONFIGURED',
] as const;

/** The code the provider's callback sent the browser back with, if any. */
function providerErrorCode(): string | undefined {
  const code = new URLSearchParams(window.location.search).get('error');
  return code !== null && /^VIGIL_[A-Z_]+$/.test(code) ? code : undefined;
}

export function SignIn() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const setSession = useSetSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [providerError] = useState(providerErrorCode);
  const methods = useQuery({
    queryKey: ['sign-in-methods'],
    queryFn: async () => dataOf(await api.GET('/v1/session/methods')),
    staleTime: Infinity,
  });
  const oidc = methods.data?.oidc ?? null;
  // Until the instance has answered, the password form is shown (the zero-setup default).
  const passwords = methods.data?.passwords ?? true;

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
      {providerError !== undefined && (
        <div role="alert" className="problem">
          <p className="problem-title">
            {(PROVIDER_ERRORS as readonly string[]).includes(providerError)
              ? t(`signIn.providerError.${providerError as (typeof PROVIDER_ERRORS)[number]}`)
              : t('signIn.providerError.other')}
          </p>
          <p>{t('signIn.providerErrorCode', { code: providerError })}</p>
        </div>
      )}
      {oidc !== null && (
        // A navigation, not a fetch: the browser goes to the provider and comes back with the cookie.
        <a className="button sign-in-provider" href={oidc.start}>
          {t('signIn.withProvider', { name: oidc.name })}
        </a>
      )}
      {passwords && (
        <>
          {oidc !== null && <p className="hint">{t('signIn.or')}</p>}
          <Form onSubmit={(e) => void submit(e)} className="form">
            <TextField
              name="username"
              isRequired
              value={username}
              onChange={setUsername}
              autoComplete="username"
            >
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
          {oidc === null && <p className="hint">{t('signIn.demo')}</p>}
        </>
      )}
    </main>
  );
}
