// The client's state as React state: `useAuth()` re-renders on sign-in, refresh and sign-out,
// whichever tab caused them.
import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { TesseraClient } from 'tessera/client';

interface AuthValue {
  readonly client: TesseraClient;
  readonly signedIn: boolean;
  /** False until the first `restore()` has answered (show a spinner, not the login form). */
  readonly ready: boolean;
}

const AuthContext = createContext<AuthValue | null>(null);

export function AuthProvider({ client, children }: { client: TesseraClient; children: ReactNode }) {
  const signedIn = useSyncExternalStore(
    (notify) => client.onAuthChange(notify),
    () => client.signedIn,
  );
  const [ready, setReady] = useState(false);
  useEffect(() => {
    // After a reload: cookie mode asks the server whether the cookies still hold a session.
    client
      .restore()
      .catch(() => false)
      .finally(() => setReady(true));
  }, [client]);
  return <AuthContext.Provider value={{ client, signedIn, ready }}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (value === null) throw new Error('useAuth() outside <AuthProvider>');
  return value;
}
