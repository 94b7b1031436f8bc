import { deleteById } from '../byId';

export const { description, execute } = deleteById('contact', 'contactId', 'Contact ID', 'cont');
