import { useMinimumSecretCostInTests } from '../src/vault/secrets.js';

// Hashes made inside the test workers use argon2id's smallest cost (see useMinimumSecretCostInTests);
// spawned `carrel` processes hash at full cost.
useMinimumSecretCostInTests();
