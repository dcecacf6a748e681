/** For the disk-fault tests (root only): unmount what a test mounted, lazily if it is still busy. */
import { execFileSync } from 'node:child_process';

export function unmount(mountPoint: string): void {
  try {
    execFileSync('umount', [mountPoint], { stdio: 'pipe' });
  } catch {
    execFileSync('umount', ['-l', mountPoint], { stdio: 'pipe' });
  }
}
