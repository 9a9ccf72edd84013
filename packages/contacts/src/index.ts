/**
 * @reauth/contacts owns finding an end user's contact address in the customer's own system, by
 * the provider's external user id (and the time zone reminders honour): an HTTP directory (CONTACTS_URL), a JSON file
 * (CONTACTS_FILE), or, with neither, the external id itself when it is an email address.
 */
export { createContactLookup, type Contact, type ContactLookup, type ContactSource } from './lookup.js';
