import type { RequestHandler } from 'express';

/**
 * `GET /`: a real STARFACE serves its web interface there, titled "STARFACE VoIP Software", and monitoring probes
 * look for that title. The simulator answers a small static page with the same title and no data (it is public).
 */
const PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>STARFACE VoIP Software</title>
</head>
<body>
<h1>STARFACE VoIP Software</h1>
<p>STARFACE simulator of the STARFACE Teams DevKit. The REST API is under <a href="/rest/openapi.json">/rest</a>.</p>
</body>
</html>
`;

export const webPage: RequestHandler = (_req, res) => {
  res.set('Cache-Control', 'no-store');
  res.type('html').send(PAGE);
};
