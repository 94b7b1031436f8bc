/** @type {import('jest').Config} */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.test.json' }];
module.exports = {
	projects: [
		{
			displayName: 'unit',
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			testMatch: ['<rootDir>/test/**/*.test.ts'],
			// These drive a real n8n: the e2e project runs them, after the build.
			testPathIgnorePatterns: ['<rootDir>/test/e2e/', '<rootDir>/test/scripts/', '<rootDir>/test/queue/'],
		},
		{
			displayName: 'e2e',
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			testMatch: ['<rootDir>/test/e2e/**/*.test.ts', '<rootDir>/test/scripts/**/*.test.ts'],
		},
		{
			// n8n in queue mode (Postgres, Redis, main, webhook processors, worker): `npm run test:queue`
			displayName: 'queue',
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			testMatch: ['<rootDir>/test/queue/**/*.test.ts'],
			// PostgreSQL and Redis: installed when missing (or one line saying how), before any case
			globalSetup: '<rootDir>/test/queue/globalSetup.ts',
		},
		{
			// Last step of `npm test`: every request the sandbox recorded, held to the documented operations.
			displayName: 'conformance',
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			testMatch: ['<rootDir>/test/conformance/**/*.conformance.ts'],
		},
	],
};
