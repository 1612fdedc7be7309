// Serves a folder on 127.0.0.1 the simplest way, for the startup benchmark's floor.
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const root = process.argv[2];
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
const server = http.createServer((req, res) => {
  const rel = new URL(req.url, 'http://x').pathname;
  const file = path.join(root, rel === '/' ? 'index.html' : rel);
  if (!file.startsWith(root) || !fs.existsSync(file)) return res.writeHead(404).end();
  res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
  res.end(fs.readFileSync(file));
});
server.listen(0, '127.0.0.1', () => console.log(`Floor at http://127.0.0.1:${server.address().port}/`));
process.on('SIGTERM', () => process.exit(0));
