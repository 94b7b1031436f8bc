import { deleteById } from '../byId';

export const { description, execute } = deleteById('opportunity', 'opportunityId', 'Opportunity ID', 'oppo');
