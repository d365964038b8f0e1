// Administration (#/admin/<section>), for admins: the sections' menu and the
// section chosen. This module and the sections come with import() from
// pages/administration.js, never in an agent's first load.
import { html } from '../../../vendor/preact-htm.js';
import { t } from '../../i18n.js';
import './texts.js';
import { AdminAgents } from './agents.js';
import { AdminGroups } from './groups.js';
import { AdminFields } from './ticket-fields.js';
import { AdminMacros } from './macros.js';
import { AdminRules } from './rules.js';
import { AdminChannels } from './channels.js';
import { AdminAudit } from './audit.js';
import { AdminSignIn } from './sign-in-policy.js';
import { AdminSla } from './sla.js';
import { AdminSetAside } from './set-aside.js';
import { AdminWhatsAppTemplates } from './whatsapp-templates.js';
import { AdminDeadLetters } from './dead-letters.js';
import { AdminWebhooks } from './webhooks.js';
import { AdminApiKeys } from './api-keys.js';
import { AdminScorecard } from './scorecard.js';
import { AdminSurveys } from './surveys.js';

const SECTIONS = { agents: AdminAgents, groups: AdminGroups, fields: AdminFields, macros: AdminMacros, rules: AdminRules,
  channels: AdminChannels, whatsapp: AdminWhatsAppTemplates, sla: AdminSla, signin: AdminSignIn, 'set-aside': AdminSetAside,
  webhooks: AdminWebhooks, 'dead-letters': AdminDeadLetters, audit: AdminAudit, 'api-keys': AdminApiKeys,
  quality: AdminScorecard, surveys: AdminSurveys };

export function AdminPage({ section, me, onSaved }) {
  const current = SECTIONS[section] ? section : 'agents';
  const Section = SECTIONS[current];
  return html`
    <div class="admin">
      <nav class="views" aria-label=${t('admin.title')}>
        <ul>${Object.keys(SECTIONS).map((s) => html`
          <li><a href=${`#/admin/${s}`} aria-current=${s === current ? 'page' : undefined}>${t(`admin.${s}`)}</a></li>`)}
        </ul>
      </nav>
      <main id="content" class="admin-section" data-section=${current}>
        <h1>${t(`admin.${current}`)}</h1>
        <${Section} key=${current} me=${me} onSaved=${onSaved} />
      </main>
    </div>`;
}
