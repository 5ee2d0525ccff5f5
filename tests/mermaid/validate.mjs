// Parses each file given (a Mermaid diagram, or Markdown whose ```mermaid blocks are checked) with
// Mermaid's own parser. Prints one line per file; exits 1 if any fails to parse.
import { readFileSync } from 'node:fs';
import mermaid from 'mermaid';

let failed = 0;
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, 'utf8');
  const blocks = [...text.matchAll(/```mermaid\n([\s\S]*?)```/g)].map(m => m[1]);
  for (const diagram of blocks.length > 0 ? blocks : [text]) {
    try {
      const result = await mermaid.parse(diagram);
      console.log(`ok ${file}: ${result.diagramType}`);
    } catch (error) {
      failed++;
      console.log(`error ${file}: ${String(error.message ?? error)}`);
    }
  }
}
process.exit(failed > 0 ? 1 : 0);
