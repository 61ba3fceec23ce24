import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import {
  ALERT_LEVELS,
  DOMAINS,
  ENTITY_KINDS,
  ERROR_CODES,
  MUTATION_NAMES,
  MUTATION_REJECTION_CODES,
  RECIPIENT_ROLES,
  RISK_CATEGORIES,
  SUBJECT_KINDS,
  TIMELINE_KINDS,
  WORK_PROMPT_RULES,
} from './domain';
import { FAULTABLE_OPERATIONS } from './faults';
import { ROUTES } from './server';
import { SPEC_FILE, SpecValidator, loadSpec } from './testing/spec-client';

describe('openapi.yaml', () => {
  it('is a valid OpenAPI 3.1 document according to a third-party validator', async () => {
    const validator = new Validator();
    const result = await validator.validate(SPEC_FILE);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('compiles with ajv in strict mode (every schema is usable for response validation)', () => {
    const validator = new SpecValidator();
    for (const name of Object.keys(validator.spec.components.schemas)) {
      expect(() => {
        try {
          validator.assertSchema(name, undefined);
        } catch (error) {
          if (error instanceof Error && error.message.includes('does not match')) return;
          throw error;
        }
      }, name).not.toThrow();
    }
  });

  it('documents exactly the routes the server serves', () => {
    const spec = loadSpec();
    const documented = Object.entries(spec.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} /api/v1${path}`),
    );
    const served = ROUTES.map((route) => `${route.method} ${route.path}`);
    expect([...documented].sort()).toEqual([...served].sort());
  });

  it('names the same codes, kinds and rules as the server', () => {
    const schemas = loadSpec().components.schemas as Record<
      string,
      { enum?: unknown[]; properties?: Record<string, { enum?: unknown[] }> }
    >;
    const enumOf = (name: string): unknown[] | undefined => schemas[name]?.enum;
    expect(schemas.Error?.properties?.code?.enum).toEqual([...ERROR_CODES]);
    expect(enumOf('EntityKind')).toEqual([...ENTITY_KINDS]);
    expect(enumOf('AlertLevel')).toEqual([...ALERT_LEVELS]);
    expect(enumOf('Domain')).toEqual([...DOMAINS]);
    expect(enumOf('RiskCategory')).toEqual([...RISK_CATEGORIES]);
    expect(enumOf('SubjectKind')).toEqual([...SUBJECT_KINDS]);
    expect(enumOf('RecipientRole')).toEqual([...RECIPIENT_ROLES]);
    expect(enumOf('WorkPromptRule')).toEqual([...WORK_PROMPT_RULES]);
    expect(enumOf('MutationName')).toEqual([...MUTATION_NAMES]);
    expect(enumOf('MutationRejectionCode')).toEqual([...MUTATION_REJECTION_CODES]);
    expect(enumOf('FaultableOperation')).toEqual([...FAULTABLE_OPERATIONS]);
    expect(schemas.TimelineEntry?.properties?.kind?.enum).toEqual([...TIMELINE_KINDS]);
  });
});
