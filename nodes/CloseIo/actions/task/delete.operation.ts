import { deleteById } from '../byId';

export const { description, execute } = deleteById('task', 'taskId', 'Task ID', 'task');
