import { getById } from '../byId';

export const { description, execute } = getById('contact', 'contactId', 'Contact ID', 'cont');
