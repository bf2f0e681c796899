/** Example: the dev-server proxy that adds the API key on the server side (docs/ANGULAR.md). */
// The backend proxy recipe of docs/ANGULAR.md, as `ng serve` runs it: the browser calls
// /p1/v1/external/..., the dev server forwards the call to the service (here the emulator) and
// adds x-api-key on the server side. The key comes from the environment of the `ng serve`
// process and never reaches the browser. Uploads and downloads go straight to the pre-signed
// storage URLs the service returns (no key needed: the signature is in the URL).
//
//   P1RX_BASE_URL=http://127.0.0.1:8080 P1RX_API_KEY=my-key npx ng serve
//
// In production, do the same in your own backend (an Express route, a Nginx location, an
// API gateway): check your user's session, then forward with the key.
const target = process.env.P1RX_BASE_URL || 'http://127.0.0.1:8080';
const apiKey = process.env.P1RX_API_KEY || 'my-key';

export default {
  '/p1': {
    target,
    changeOrigin: true,
    pathRewrite: { '^/p1': '' },
    headers: { 'x-api-key': apiKey },
  },
};
