/**
 * A pure checker for Slack's documented Block Kit limits, so tests can prove a builder's worst case
 * still goes through `chat.postMessage` / `views.open` / `views.publish`.
 *
 * Every number below comes from Slack's reference pages (docs.slack.dev, formerly api.slack.com):
 *  - surfaces: reference/views/modal-views, reference/views/home-tab-views, reference/block-kit/blocks
 *    ("up to 50 blocks in each message, and 100 blocks in modals or Home tabs")
 *  - message text: api.slack.com/changelog/2018-04-truncating-really-long-messages (40,000; 4,000 advised)
 *  - blocks: section-block, header-block, context-block, actions-block, input-block, divider-block, image-block
 *  - elements: button-element, select-menu-element (static_select, conversations_select),
 *    plain-text-input-element, date-picker-element, time-picker-element, number-input-element,
 *    radio-button-group-element, checkboxes-element
 *  - composition objects: text-object, option-object, option-group-object, conversation-filter-object
 *
 * Lengths are JavaScript string lengths of what is sent, i.e. after mrkdwn escaping: `&amp;` counts 5.
 *
 * Blocks and elements of a type the checker does not know are reported, so a new builder that reaches
 * for a new block type makes the test fail until its limits are added here, instead of passing unchecked.
 */

export type Surface = 'modal' | 'message' | 'home';

export const LIMITS = {
  surface: { modalBlocks: 100, messageBlocks: 50, homeBlocks: 100 },
  view: { titleText: 24, submitText: 24, closeText: 24, privateMetadata: 3000, callbackId: 255 },
  message: { text: 40_000, textAdvised: 4_000 },
  blockId: 255,
  actionId: 255,
  text: { min: 1, max: 3000 },
  section: { text: 3000, fields: 10, fieldText: 2000 },
  header: { text: 150 },
  context: { elements: 10 },
  actions: { elements: 25 },
  input: { label: 2000, hint: 2000 },
  image: { altText: 2000, imageUrl: 3000, title: 2000 },
  button: { text: 75, value: 2000, url: 3000, accessibilityLabel: 75 },
  option: { text: 75, value: 150, description: 75, url: 3000 },
  optionGroup: { label: 75, options: 100, groups: 100 },
  staticSelect: { options: 100 },
  radioButtons: { options: 10 },
  checkboxes: { options: 10 },
  placeholder: 150,
  plainTextInput: { maxLength: 3000, minLength: 0 },
} as const;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const len = (v: unknown): number => (typeof v === 'string' ? v.length : 0);

const SELECTS = new Set(['static_select', 'conversations_select', 'users_select', 'channels_select', 'external_select']);
const KNOWN_ELEMENTS = new Set([
  'button',
  ...SELECTS,
  'plain_text_input',
  'datepicker',
  'timepicker',
  'number_input',
  'radio_buttons',
  'checkboxes',
  'image',
]);

class Checker {
  readonly violations: string[] = [];
  readonly warnings: string[] = [];

  fail(path: string, message: string): void {
    this.violations.push(`${path}: ${message}`);
  }

  max(path: string, value: unknown, limit: number, what = 'chars'): void {
    if (typeof value === 'string' && value.length > limit) this.fail(path, `${value.length} ${what} > ${limit}`);
  }

  /** A text object: plain_text or mrkdwn, 1..3000 characters (or a tighter field limit). */
  text(path: string, t: unknown, opts: { max?: number; plainOnly?: boolean; required?: boolean } = {}): void {
    if (t === undefined || t === null) {
      if (opts.required) this.fail(path, 'text object is required');
      return;
    }
    if (!isObj(t)) return this.fail(path, 'must be a text object');
    if (t.type !== 'plain_text' && t.type !== 'mrkdwn')
      return this.fail(`${path}.type`, `must be plain_text or mrkdwn, got ${JSON.stringify(t.type)}`);
    if (opts.plainOnly && t.type !== 'plain_text') this.fail(`${path}.type`, `must be plain_text, got ${t.type}`);
    if (typeof t.text !== 'string') return this.fail(`${path}.text`, 'must be a string');
    if (t.text.length < LIMITS.text.min) this.fail(`${path}.text`, 'must not be empty (minimum 1 character)');
    const limit = Math.min(opts.max ?? LIMITS.text.max, LIMITS.text.max);
    this.max(`${path}.text`, t.text, limit);
    if ('emoji' in t && t.type !== 'plain_text') this.fail(`${path}.emoji`, 'only usable when type is plain_text');
    if ('verbatim' in t && t.type !== 'mrkdwn') this.fail(`${path}.verbatim`, 'only usable when type is mrkdwn');
  }

  blocks(kind: Surface, path: string, blocks: unknown): void {
    if (!Array.isArray(blocks)) return this.fail(path, 'must be an array of blocks');
    const limit =
      kind === 'message'
        ? LIMITS.surface.messageBlocks
        : kind === 'modal'
          ? LIMITS.surface.modalBlocks
          : LIMITS.surface.homeBlocks;
    if (blocks.length > limit) this.fail(path, `${blocks.length} blocks > ${limit} allowed in a ${kind}`);
    const blockIds = new Map<string, number>();
    blocks.forEach((block, i) => {
      const p = `${path}[${i}]`;
      if (!isObj(block)) return this.fail(p, 'must be a block object');
      const type = String(block.type);
      const bp = `${p} (${type})`;
      if ('block_id' in block) {
        if (typeof block.block_id !== 'string' || block.block_id.length === 0)
          this.fail(`${bp}.block_id`, 'must be a non-empty string');
        else {
          this.max(`${bp}.block_id`, block.block_id, LIMITS.blockId);
          const seen = blockIds.get(block.block_id);
          if (seen !== undefined)
            this.fail(
              `${bp}.block_id`,
              `duplicate block_id ${JSON.stringify(block.block_id)} (also blocks[${seen}]); must be unique within the ${kind}`,
            );
          else blockIds.set(block.block_id, i);
        }
      }
      this.block(kind, bp, type, block);
    });
  }

  block(kind: Surface, p: string, type: string, b: Obj): void {
    switch (type) {
      case 'section': {
        if (b.text === undefined && b.fields === undefined) this.fail(p, 'needs text or fields');
        this.text(`${p}.text`, b.text, { max: LIMITS.section.text });
        if (b.fields !== undefined) {
          if (!Array.isArray(b.fields)) this.fail(`${p}.fields`, 'must be an array');
          else {
            if (b.fields.length > LIMITS.section.fields)
              this.fail(`${p}.fields`, `${b.fields.length} items > ${LIMITS.section.fields}`);
            b.fields.forEach((f, j) => this.text(`${p}.fields[${j}]`, f, { max: LIMITS.section.fieldText, required: true }));
          }
        }
        if (b.accessory !== undefined) this.elements(kind, `${p}.accessory`, [b.accessory], true);
        return;
      }
      case 'header':
        return this.text(`${p}.text`, b.text, { max: LIMITS.header.text, plainOnly: true, required: true });
      case 'context': {
        if (!Array.isArray(b.elements) || b.elements.length === 0) return this.fail(`${p}.elements`, 'must be a non-empty array');
        if (b.elements.length > LIMITS.context.elements)
          this.fail(`${p}.elements`, `${b.elements.length} items > ${LIMITS.context.elements}`);
        b.elements.forEach((e, j) => {
          const ep = `${p}.elements[${j}]`;
          if (isObj(e) && e.type === 'image') this.image(ep, e);
          else this.text(ep, e, { required: true });
        });
        return;
      }
      case 'actions': {
        if (!Array.isArray(b.elements) || b.elements.length === 0) return this.fail(`${p}.elements`, 'must be a non-empty array');
        if (b.elements.length > LIMITS.actions.elements)
          this.fail(`${p}.elements`, `${b.elements.length} items > ${LIMITS.actions.elements}`);
        this.elements(kind, `${p}.elements`, b.elements, false);
        return;
      }
      case 'input': {
        if (kind === 'message') this.fail(p, 'input blocks are for modals and the Home tab, not messages');
        this.text(`${p}.label`, b.label, { max: LIMITS.input.label, plainOnly: true, required: true });
        this.text(`${p}.hint`, b.hint, { max: LIMITS.input.hint, plainOnly: true });
        if (b.element === undefined) return this.fail(`${p}.element`, 'is required');
        this.elements(kind, `${p}.element`, [b.element], true);
        return;
      }
      case 'divider':
        return;
      case 'image':
        return this.image(p, b);
      default:
        this.fail(p, `block type ${JSON.stringify(type)} is not known to this checker; add its documented limits`);
    }
  }

  image(p: string, e: Obj): void {
    if (typeof e.alt_text !== 'string' || e.alt_text.length === 0) this.fail(`${p}.alt_text`, 'is required');
    this.max(`${p}.alt_text`, e.alt_text, LIMITS.image.altText);
    this.max(`${p}.image_url`, e.image_url, LIMITS.image.imageUrl);
    this.text(`${p}.title`, e.title, { max: LIMITS.image.title, plainOnly: true });
  }

  /** Elements of one block; action_ids must be unique within that block. */
  elements(kind: Surface, path: string, elements: unknown[], single: boolean): void {
    const actionIds = new Map<string, number>();
    elements.forEach((e, j) => {
      const p = single ? path : `${path}[${j}]`;
      if (!isObj(e)) return this.fail(p, 'must be an element object');
      const type = String(e.type);
      const ep = `${p} (${type})`;
      if ('action_id' in e) {
        if (typeof e.action_id !== 'string' || e.action_id.length === 0)
          this.fail(`${ep}.action_id`, 'must be a non-empty string');
        else {
          this.max(`${ep}.action_id`, e.action_id, LIMITS.actionId);
          const seen = actionIds.get(e.action_id);
          if (seen !== undefined)
            this.fail(
              `${ep}.action_id`,
              `duplicate action_id ${JSON.stringify(e.action_id)} (also element ${seen}); must be unique within the block`,
            );
          else actionIds.set(e.action_id, j);
        }
      }
      this.element(kind, ep, type, e);
    });
  }

  element(kind: Surface, p: string, type: string, e: Obj): void {
    if (!KNOWN_ELEMENTS.has(type))
      return this.fail(p, `element type ${JSON.stringify(type)} is not known to this checker; add its documented limits`);
    if (type !== 'button' && type !== 'radio_buttons' && type !== 'checkboxes' && type !== 'image')
      this.text(`${p}.placeholder`, e.placeholder, { max: LIMITS.placeholder, plainOnly: true });
    switch (type) {
      case 'button':
        this.text(`${p}.text`, e.text, { max: LIMITS.button.text, plainOnly: true, required: true });
        this.max(`${p}.value`, e.value, LIMITS.button.value);
        this.max(`${p}.url`, e.url, LIMITS.button.url);
        this.max(`${p}.accessibility_label`, e.accessibility_label, LIMITS.button.accessibilityLabel);
        if (e.style !== undefined && e.style !== 'primary' && e.style !== 'danger')
          this.fail(`${p}.style`, `must be primary or danger, got ${JSON.stringify(e.style)}`);
        return;
      case 'static_select':
      case 'external_select':
        if (type === 'static_select') this.optionList(p, e, LIMITS.staticSelect.options, true);
        return;
      case 'conversations_select': {
        const f = e.filter;
        if (f !== undefined) {
          if (!isObj(f)) return this.fail(`${p}.filter`, 'must be an object');
          if (f.include === undefined && f.exclude_bot_users === undefined && f.exclude_external_shared_channels === undefined)
            this.fail(`${p}.filter`, 'needs at least one field');
          if (f.include !== undefined) {
            if (!Array.isArray(f.include) || f.include.length === 0)
              this.fail(`${p}.filter.include`, 'must be a non-empty array');
            else
              for (const v of f.include)
                if (!['im', 'mpim', 'private', 'public'].includes(String(v)))
                  this.fail(`${p}.filter.include`, `unknown conversation type ${JSON.stringify(v)}`);
          }
        }
        return;
      }
      case 'radio_buttons':
        this.optionList(p, e, LIMITS.radioButtons.options, false);
        return;
      case 'checkboxes':
        this.optionList(p, e, LIMITS.checkboxes.options, false, 'initial_options');
        return;
      case 'plain_text_input': {
        const maxLength = e.max_length;
        const minLength = e.min_length;
        if (
          maxLength !== undefined &&
          (typeof maxLength !== 'number' ||
            !Number.isInteger(maxLength) ||
            maxLength < 1 ||
            maxLength > LIMITS.plainTextInput.maxLength)
        ) {
          this.fail(`${p}.max_length`, `${JSON.stringify(maxLength)} is outside 1..${LIMITS.plainTextInput.maxLength}`);
        }
        if (
          minLength !== undefined &&
          (typeof minLength !== 'number' ||
            !Number.isInteger(minLength) ||
            minLength < 0 ||
            minLength > LIMITS.plainTextInput.maxLength)
        ) {
          this.fail(`${p}.min_length`, `${JSON.stringify(minLength)} is outside 0..${LIMITS.plainTextInput.maxLength}`);
        }
        if (typeof maxLength === 'number' && typeof minLength === 'number' && minLength > maxLength)
          this.fail(`${p}.min_length`, `${minLength} > max_length ${maxLength}`);
        if (e.initial_value !== undefined) {
          if (typeof e.initial_value !== 'string') this.fail(`${p}.initial_value`, 'must be a string');
          const cap =
            typeof maxLength === 'number'
              ? Math.min(maxLength, LIMITS.plainTextInput.maxLength)
              : LIMITS.plainTextInput.maxLength;
          if (len(e.initial_value) > cap) this.fail(`${p}.initial_value`, `${len(e.initial_value)} chars > max_length ${cap}`);
        }
        return;
      }
      case 'datepicker':
        if (e.initial_date !== undefined && !validDate(e.initial_date))
          this.fail(`${p}.initial_date`, `${JSON.stringify(e.initial_date)} is not a YYYY-MM-DD date`);
        return;
      case 'timepicker':
        if (
          e.initial_time !== undefined &&
          !(typeof e.initial_time === 'string' && /^([01]\d|2[0-3]):[0-5]\d$/.test(e.initial_time))
        )
          this.fail(`${p}.initial_time`, `${JSON.stringify(e.initial_time)} is not HH:mm (00:00-23:59)`);
        return;
      case 'number_input': {
        if (typeof e.is_decimal_allowed !== 'boolean') this.fail(`${p}.is_decimal_allowed`, 'is required (boolean)');
        const num = (key: 'min_value' | 'max_value' | 'initial_value'): number | undefined => {
          const v = e[key];
          if (v === undefined) return undefined;
          if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(Number(v))) {
            this.fail(`${p}.${key}`, `${JSON.stringify(v)} must be a numeric string`);
            return undefined;
          }
          return Number(v);
        };
        const lo = num('min_value');
        const hi = num('max_value');
        const init = num('initial_value');
        if (lo !== undefined && hi !== undefined && lo > hi) this.fail(`${p}.min_value`, `${lo} is greater than max_value ${hi}`);
        if (init !== undefined && ((lo !== undefined && init < lo) || (hi !== undefined && init > hi)))
          this.fail(`${p}.initial_value`, `${init} is outside min_value..max_value`);
        return;
      }
      case 'image':
        return this.image(p, e);
      default:
        return;
    }
  }

  /** options (or option_groups) of a select / radio / checkbox element, and its initial selection. */
  optionList(
    p: string,
    e: Obj,
    maxOptions: number,
    plainOnly: boolean,
    initialKey: 'initial_option' | 'initial_options' = 'initial_option',
  ): void {
    const all: Obj[] = [];
    const collect = (path: string, list: unknown, limit: number) => {
      if (!Array.isArray(list) || list.length === 0) return this.fail(path, 'must be a non-empty array of options');
      if (list.length > limit) this.fail(path, `${list.length} options > ${limit}`);
      list.forEach((o, k) => {
        this.option(`${path}[${k}]`, o, plainOnly);
        if (isObj(o)) all.push(o);
      });
    };
    if (e.option_groups !== undefined) {
      if (e.options !== undefined) this.fail(p, 'has both options and option_groups');
      const groups = e.option_groups;
      if (!Array.isArray(groups) || groups.length === 0) this.fail(`${p}.option_groups`, 'must be a non-empty array');
      else {
        if (groups.length > LIMITS.optionGroup.groups)
          this.fail(`${p}.option_groups`, `${groups.length} groups > ${LIMITS.optionGroup.groups}`);
        groups.forEach((g, k) => {
          const gp = `${p}.option_groups[${k}]`;
          if (!isObj(g)) return this.fail(gp, 'must be an option group');
          this.text(`${gp}.label`, g.label, { max: LIMITS.optionGroup.label, plainOnly: true, required: true });
          collect(`${gp}.options`, g.options, LIMITS.optionGroup.options);
        });
      }
    } else collect(`${p}.options`, e.options, maxOptions);

    const values = new Map<string, number>();
    all.forEach((o, k) => {
      const v = String(o.value);
      if (values.has(v)) this.fail(`${p}.options`, `duplicate option value ${JSON.stringify(v)}; values must be unique`);
      values.set(v, k);
    });
    const initial = e[initialKey];
    if (initial !== undefined) {
      const chosen = Array.isArray(initial) ? initial : [initial];
      for (const c of chosen) {
        if (!all.some((o) => JSON.stringify(o) === JSON.stringify(c)))
          this.fail(`${p}.${initialKey}`, `${JSON.stringify(c).slice(0, 120)} does not exactly match one of the options`);
      }
    }
  }

  option(p: string, o: unknown, plainOnly: boolean): void {
    if (!isObj(o)) return this.fail(p, 'must be an option object');
    this.text(`${p}.text`, o.text, { max: LIMITS.option.text, plainOnly, required: true });
    if (typeof o.value !== 'string' || o.value.length === 0) this.fail(`${p}.value`, 'must be a non-empty string');
    this.max(`${p}.value`, o.value, LIMITS.option.value);
    this.text(`${p}.description`, o.description, { max: LIMITS.option.description });
    this.max(`${p}.url`, o.url, LIMITS.option.url);
  }

  view(kind: 'modal' | 'home', v: unknown): void {
    if (!isObj(v)) return this.fail(kind, 'must be a view object');
    if (v.type !== kind) this.fail('type', `must be ${JSON.stringify(kind)}, got ${JSON.stringify(v.type)}`);
    this.max('private_metadata', v.private_metadata, LIMITS.view.privateMetadata);
    this.max('callback_id', v.callback_id, LIMITS.view.callbackId);
    if (kind === 'modal') {
      this.text('title', v.title, { max: LIMITS.view.titleText, plainOnly: true, required: true });
      this.text('submit', v.submit, { max: LIMITS.view.submitText, plainOnly: true });
      this.text('close', v.close, { max: LIMITS.view.closeText, plainOnly: true });
      if (Array.isArray(v.blocks) && v.blocks.some((b) => isObj(b) && b.type === 'input') && v.submit === undefined)
        this.fail('submit', 'is required when the modal has an input block');
    }
    this.blocks(kind, 'blocks', v.blocks);
  }

  message(m: unknown): void {
    const msg: Obj = Array.isArray(m) ? { blocks: m } : isObj(m) ? m : {};
    if (!Array.isArray(m) && !isObj(m)) return this.fail('message', 'must be an object or an array of blocks');
    if (msg.text !== undefined) {
      if (typeof msg.text !== 'string') this.fail('text', 'must be a string');
      else {
        if (msg.text.length > LIMITS.message.text)
          this.fail('text', `${msg.text.length} chars > ${LIMITS.message.text} (Slack truncates it)`);
        else if (msg.text.length > LIMITS.message.textAdvised)
          this.warnings.push(
            `text: ${msg.text.length} chars > ${LIMITS.message.textAdvised} advised; long texts may be split or cut in notifications`,
          );
      }
    } else if (msg.blocks !== undefined)
      this.warnings.push('text: missing; Slack uses it for notifications and screen readers when blocks are sent');
    if (msg.blocks !== undefined) this.blocks('message', 'blocks', msg.blocks);
    else if (msg.text === undefined) this.fail('message', 'needs text or blocks');
  }
}

function validDate(v: unknown): boolean {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

function run(kind: Surface, payload: unknown): Checker {
  const c = new Checker();
  if (kind === 'message') c.message(payload);
  else c.view(kind, payload);
  return c;
}

/** Every way `payload` breaks Slack's documented Block Kit limits for `kind`, as readable lines; [] if none. */
export function blockKitViolations(kind: Surface, payload: unknown): string[] {
  return run(kind, payload).violations;
}

/** Things Slack accepts but advises against (a message `text` over 4,000 characters, blocks without `text`). */
export function blockKitWarnings(kind: Surface, payload: unknown): string[] {
  return run(kind, payload).warnings;
}
