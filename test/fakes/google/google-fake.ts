import { FakeHttpServer, FakeResponse, RecordedRequest } from '@test/fakes/fake-http-server';
import { registerCalendarRoutes } from './google-calendar-routes';
import { FakeCalendar, GoogleCalendarStore } from './google-calendar-store';
import { CALENDAR_ERRORS, CalendarErrorName } from './google-errors';
import { GoogleFakeClient, GoogleOAuthFake } from './google-oauth-fake';

export interface GoogleFake {
  /** Root of every endpoint: token `${url}/token`, revoke `${url}/revoke`, API `${url}/`. */
  url: string;
  oauth: GoogleOAuthFake;
  store: GoogleCalendarStore;
  requests: RecordedRequest[];
  requestsTo(method: string, path: string): RecordedRequest[];
  /** The next `n` Calendar API calls (token endpoint excluded) answer this instead. */
  failNext(n: number, answer: CalendarErrorName | FakeResponse): void;
  /** Every Calendar API call answers this until `recover()`. */
  failAll(answer: CalendarErrorName | FakeResponse): void;
  recover(): void;
  close(): Promise<void>;
}

/**
 * Google for one account and OAuth client on one local server: the OAuth 2.0 token and revoke
 * endpoints and the Calendar v3 API (CONTRACT.md). API calls need a live Bearer access token
 * (else 401 authError), then scripted failures are answered first.
 */
export async function startGoogleFake(options: {
  client: GoogleFakeClient;
  calendars: FakeCalendar[];
}): Promise<GoogleFake> {
  const server = await FakeHttpServer.start();
  const oauth = new GoogleOAuthFake(server, options.client);
  const store = new GoogleCalendarStore(options.calendars);
  const failures: FakeResponse[] = [];
  let outage: FakeResponse | undefined;
  const answerOf = (answer: CalendarErrorName | FakeResponse): FakeResponse =>
    typeof answer === 'string' ? CALENDAR_ERRORS[answer]() : answer;

  registerCalendarRoutes(server, store, (handler) => (request) => {
    const token = /^Bearer (\S+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
    if (!token || !oauth.isValidAccessToken(token)) return CALENDAR_ERRORS.authError();
    return outage ?? failures.shift() ?? handler(request);
  });

  return {
    url: server.url,
    oauth,
    store,
    requests: server.requests,
    requestsTo: (method, path) => server.requestsTo(method, path),
    failNext(n, answer) {
      for (let i = 0; i < n; i += 1) failures.push(answerOf(answer));
    },
    failAll(answer) {
      outage = answerOf(answer);
    },
    recover() {
      outage = undefined;
      failures.length = 0;
    },
    close: () => server.close(),
  };
}
