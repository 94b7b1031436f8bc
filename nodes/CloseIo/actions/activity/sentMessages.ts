// The emails and SMS this n8n process asked Close to send, by item key: n8n's "Retry On Fail"
// runs the node again in the same process, and a message already handed to Close is not sent
// twice (lib/records/closeActivities.ts, createMessageOnce).

import { BoundedMemory } from '../../../../lib/clients/boundedMemory';

export const SENT_MESSAGES = new BoundedMemory();
