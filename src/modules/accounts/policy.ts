import { definePolicy } from '../../platform/access.ts';

export const accountsPolicy = definePolicy('accounts', {
  manage_users: ['administrator'],
});
