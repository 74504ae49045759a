/**
 * The review page's browser bundle, built with esbuild from page/main.tsx: the controls' own
 * components and models, React and Fluent UI, labels from the controls' resx files.
 */
import { build } from 'esbuild';
import path from 'node:path';

export interface ReviewPage {
  html: string;
  script: string;
}

const HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lexbridge review (local sandbox)</title>
<style>html,body{margin:0;height:100%;font-family:"Segoe UI","Segoe UI Web (West European)",-apple-system,BlinkMacSystemFont,Roboto,"Helvetica Neue",sans-serif;background:#f5f5f5}</style>
</head>
<body>
<div id="root"></div>
<script src="/app.js"></script>
</body>
</html>
`;

export async function buildReviewPage(): Promise<ReviewPage> {
  const result = await build({
    entryPoints: [path.join(__dirname, 'page', 'main.tsx')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    jsx: 'transform',
    loader: { '.resx': 'text' },
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'none',
    logLevel: 'error',
  });
  return { html: HTML, script: result.outputFiles[0]!.text };
}
