// npm run migration:generate -- <PascalCaseVerbNoun>
// Builds, diffs the entities against the database in DATABASE_URL, writes
// migrations/<timestamp>-<Name>.ts and registers it in migrations/index.ts. Review the SQL.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

const name = process.argv[2];
if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) {
  process.stderr.write(
    'usage: npm run migration:generate -- <PascalCaseVerbNoun>, e.g. AddCaseTable\n',
  );
  process.exit(2);
}
const before = new Set(readdirSync('migrations'));
const run = (command, args) => execFileSync(command, args, { stdio: 'inherit' });
run('npm', ['run', 'build']);
run('npx', [
  'typeorm',
  '-d',
  'dist/src/database/data-source.js',
  'migration:generate',
  '--pretty',
  `migrations/${name}`,
]);
const created = readdirSync('migrations').find((file) => !before.has(file) && file.endsWith('.ts'));
if (!created) process.exit(0);
const timestamp = created.split('-')[0];
const className = `${name}${timestamp}`;
const indexPath = 'migrations/index.ts';
const index = readFileSync(indexPath, 'utf8')
  .replace(
    /(\nexport const MIGRATIONS = \[)/,
    `\nimport { ${className} } from './${created.replace(/\.ts$/, '.js')}';$1`,
  )
  .replace(/\];\s*$/, `, ${className}];\n`);
writeFileSync(indexPath, index);
run('npx', ['prettier', '--write', indexPath, `migrations/${created}`]);
process.stdout.write(`Wrote migrations/${created} and registered ${className} in ${indexPath}\n`);
