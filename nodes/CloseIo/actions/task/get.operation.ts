import { getById } from '../byId';

export const { description, execute } = getById('task', 'taskId', 'Task ID', 'task');
