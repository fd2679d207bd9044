// Global setup of the browser tests: the console they drive is the one built from this checkout.
import { execFileSync } from 'node:child_process';

export default function buildConsole(): void {
  execFileSync(process.execPath, ['web/build.js', '--strict'], { stdio: 'inherit' });
}
