/** What the panel's state models need of the connection: `send` a frame, `ready` once welcomed. */
import type { VisitorClientFrame } from '../../../shared/protocol';

export interface Conn {
  send(frame: VisitorClientFrame): unknown;
  ready(): boolean;
}
