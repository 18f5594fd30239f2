import { useEffect, useState, type FormEvent } from 'react';
import { TesseraClientError } from 'tessera/client';
import { useAuth } from './AuthProvider';

/** DRF's error body as lines to show: `{"detail": ...}` or `{"field": ["message", ...]}`. */
function messages(body: unknown): string[] {
  if (typeof body !== 'object' || body === null) return ['Something went wrong.'];
  return Object.entries(body).flatMap(([field, value]) =>
    (Array.isArray(value) ? value : [value]).map((message) =>
      field === 'detail' || field === 'non_field_errors' ? String(message) : `${field}: ${String(message)}`,
    ),
  );
}

function LoginForm() {
  const { client } = useAuth();
  const [errors, setErrors] = useState<string[]>([]);
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    try {
      await client.login({ username: String(form.get('username')), password: String(form.get('password')) });
    } catch (error) {
      setErrors(error instanceof TesseraClientError ? messages(error.body) : ['The server cannot be reached.']);
    }
  }
  return (
    <form onSubmit={submit}>
      <label>
        Username <input name="username" autoComplete="username" required />
      </label>
      <label>
        Password <input name="password" type="password" autoComplete="current-password" required />
      </label>
      <button type="submit">Sign in</button>
      {errors.map((error) => (
        <p role="alert" key={error}>
          {error}
        </p>
      ))}
    </form>
  );
}

function Protected() {
  const { client } = useAuth();
  const [content, setContent] = useState('…');
  useEffect(() => {
    // client.fetch adds the credentials (here: cookies and X-CSRFToken), refreshes and retries once on 401.
    client.fetch('/protected/').then(async (answer) => setContent(answer.ok ? (await answer.json()).content : `HTTP ${answer.status}`));
  }, [client]);
  return (
    <>
      <p>{content}</p>
      <button onClick={() => client.logout()}>Sign out</button>
      <button onClick={() => client.logoutAll()}>Sign out everywhere</button>
    </>
  );
}

export function App() {
  const { signedIn, ready } = useAuth();
  if (!ready) return <p>Loading…</p>;
  return <main>{signedIn ? <Protected /> : <LoginForm />}</main>;
}
