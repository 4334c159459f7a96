/** What tests of other libraries borrow from messaging's own test fixtures. */
export { envelope } from './fixtures';
