import { getById } from '../byId';

export const { description, execute } = getById('opportunity', 'opportunityId', 'Opportunity ID', 'oppo');
