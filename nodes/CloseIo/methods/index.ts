import * as activityOptions from './activityOptions';
import * as baseListSearch from './listSearch';
import * as baseLoadOptions from './loadOptions';

export * as resourceMapping from './resourceMapping';
const { searchCloseContacts, ...activityLists } = activityOptions;
export const listSearch = { ...baseListSearch, searchCloseContacts };
export const loadOptions = { ...baseLoadOptions, ...activityLists };
