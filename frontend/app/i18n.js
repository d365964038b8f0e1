// Spanish (Latin American) first, English second. Every text the console shows
// is here; `t(key, values)` fills {placeholders}.
const TEXTS = {
  es: {
    'app.name': 'Atiende', 'app.tagline': 'Mesa de ayuda',
    'signin.title': 'Inicia sesión', 'signin.email': 'Correo', 'signin.password': 'Contraseña',
    'signin.submit': 'Entrar', 'signin.failed': 'Correo o contraseña incorrectos.', 'signout': 'Salir',
    'language': 'Idioma', 'skip': 'Saltar al contenido',
    'view.mine': 'Mis tickets', 'view.unassigned': 'Sin asignar', 'view.open': 'Todos abiertos',
    'view.pending': 'Pendientes', 'view.on_hold': 'En espera', 'view.solved': 'Resueltos', 'view.breaching': 'Por vencer',
    'list.empty': 'No hay tickets en esta vista.', 'list.more': 'Cargar más', 'list.subject': 'Asunto',
    'list.channel': 'Canal', 'list.status': 'Estado', 'list.priority': 'Prioridad', 'list.assignee': 'Asignado',
    'list.updated': 'Actividad', 'list.sla': 'SLA', 'list.unassigned': 'Nadie', 'list.me': 'Yo',
    'status.new': 'Nuevo', 'status.open': 'Abierto', 'status.pending': 'Pendiente', 'status.on_hold': 'En espera',
    'status.solved': 'Resuelto', 'status.closed': 'Cerrado',
    'priority.low': 'Baja', 'priority.normal': 'Normal', 'priority.high': 'Alta', 'priority.urgent': 'Urgente',
    'channel.email': 'Correo', 'channel.whatsapp': 'WhatsApp', 'channel.chat': 'Chat', 'channel.web_form': 'Formulario',
    'ticket.back': 'Volver a la lista', 'ticket.take': 'Tomar', 'ticket.release': 'Liberar', 'ticket.group': 'Grupo',
    'ticket.none': 'Ninguno', 'ticket.save': 'Guardar', 'ticket.saved': 'Cambios guardados.',
    'ticket.conflict': 'Alguien más cambió este ticket; se cargó la versión actual.',
    'ticket.contact': 'Contacto', 'ticket.country': 'País', 'ticket.identities': 'Datos de contacto',
    'ticket.history': 'Historial', 'ticket.note': 'Nota interna', 'ticket.attachments': 'Adjuntos',
    'search.label': 'Buscar tickets', 'search.placeholder': 'Número, correo o teléfono', 'search.results': 'Resultados para «{query}»', 'search.none': 'Nada coincide (busca por número, correo o teléfono).',
    'ticket.past': 'Otros tickets del contacto', 'ticket.past_none': 'Ninguno.',
    'ticket.tags': 'Etiquetas', 'macro.apply': 'Aplicar macro', 'macro.choose': 'Elige una macro…', 'macro.applied': 'Macro aplicada: {name}.',
    'reply.tab': 'Responder', 'note.tab': 'Nota interna', 'reply.placeholder': 'Escribe tu respuesta…',
    'note.placeholder': 'Nota solo para el equipo…', 'reply.send': 'Enviar', 'note.add': 'Agregar nota',
    'reply.status_after': 'Después de enviar', 'reply.cc': 'CC (separados por coma)',
    'reply.sent': 'Respuesta en cola para enviarse.', 'note.added': 'Nota agregada.',
    'reply.window_closed': 'Pasaron más de 24 horas desde el último mensaje del cliente: WhatsApp solo permite una plantilla aprobada.',
    'reply.template': 'Plantilla', 'reply.template_language': 'Idioma de la plantilla',
    'delivery.queued': 'En cola', 'delivery.sent': 'Enviado', 'delivery.delivered': 'Entregado',
    'delivery.read': 'Leído', 'delivery.failed': 'Falló', 'delivery.received': 'Recibido',
    'sla.first_response': 'Primera respuesta', 'sla.next_response': 'Siguiente respuesta', 'sla.resolution': 'Resolución',
    'sla.running': 'en curso', 'sla.warning': 'por vencer', 'sla.paused': 'en pausa', 'sla.breached': 'vencido',
    'sla.met': 'cumplido', 'sla.missed': 'cumplido tarde', 'sla.due_in': 'vence en {time}', 'sla.overdue': 'vencido hace {time}',
    'sla.title': 'SLA', 'sla.policy': 'Política', 'sla.acknowledge': 'Acusar recibo', 'sla.acknowledged': 'Escalamiento confirmado.',
    'sla.escalated': 'Escalado: espera tu confirmación',
    'event.created': 'creó el ticket', 'event.updated': 'cambió', 'event.reopened': 'reabrió el ticket',
    'event.sla_warning': 'aviso de SLA', 'event.sla_breach': 'SLA vencido', 'event.escalated': 'escaló',
    'notifications.title': 'Notificaciones', 'notifications.unread': 'Notificaciones ({count} sin leer)',
    'notifications.none': 'Sin notificaciones.', 'notifications.assigned': '{actor} te asignó #{number} {subject}',
    'notifications.mentioned': '{actor} te mencionó en #{number} {subject}',
    'presence.viewing': '{name} también está viendo este ticket.', 'presence.replying': '{name} está respondiendo este ticket.',
    'shortcuts': 'Atajos: j/k mover · Enter abrir · r responder · n nota · Esc volver · Ctrl+Enter enviar',
    'error.network': 'No hay conexión con el servidor.', 'loading': 'Cargando…', 'live': 'En vivo',
  },
  en: {
    'app.name': 'Atiende', 'app.tagline': 'Help desk',
    'signin.title': 'Sign in', 'signin.email': 'Email', 'signin.password': 'Password',
    'signin.submit': 'Sign in', 'signin.failed': 'Wrong email or password.', 'signout': 'Sign out',
    'language': 'Language', 'skip': 'Skip to content',
    'view.mine': 'My tickets', 'view.unassigned': 'Unassigned', 'view.open': 'All open',
    'view.pending': 'Pending', 'view.on_hold': 'On hold', 'view.solved': 'Solved', 'view.breaching': 'Breaching soon',
    'list.empty': 'No tickets in this view.', 'list.more': 'Load more', 'list.subject': 'Subject',
    'list.channel': 'Channel', 'list.status': 'Status', 'list.priority': 'Priority', 'list.assignee': 'Assignee',
    'list.updated': 'Activity', 'list.sla': 'SLA', 'list.unassigned': 'Nobody', 'list.me': 'Me',
    'status.new': 'New', 'status.open': 'Open', 'status.pending': 'Pending', 'status.on_hold': 'On hold',
    'status.solved': 'Solved', 'status.closed': 'Closed',
    'priority.low': 'Low', 'priority.normal': 'Normal', 'priority.high': 'High', 'priority.urgent': 'Urgent',
    'channel.email': 'Email', 'channel.whatsapp': 'WhatsApp', 'channel.chat': 'Chat', 'channel.web_form': 'Web form',
    'ticket.back': 'Back to the list', 'ticket.take': 'Take', 'ticket.release': 'Release', 'ticket.group': 'Group',
    'ticket.none': 'None', 'ticket.save': 'Save', 'ticket.saved': 'Changes saved.',
    'ticket.conflict': 'Someone else changed this ticket; the current version was loaded.',
    'ticket.contact': 'Contact', 'ticket.country': 'Country', 'ticket.identities': 'Contact details',
    'ticket.history': 'History', 'ticket.note': 'Internal note', 'ticket.attachments': 'Attachments',
    'search.label': 'Search tickets', 'search.placeholder': 'Number, email or phone', 'search.results': 'Results for "{query}"', 'search.none': 'Nothing matches (search by number, email or phone).',
    'ticket.past': "The contact's other tickets", 'ticket.past_none': 'None.',
    'ticket.tags': 'Tags', 'macro.apply': 'Apply macro', 'macro.choose': 'Choose a macro…', 'macro.applied': 'Macro applied: {name}.',
    'reply.tab': 'Reply', 'note.tab': 'Internal note', 'reply.placeholder': 'Write your reply…',
    'note.placeholder': 'A note for the team only…', 'reply.send': 'Send', 'note.add': 'Add note',
    'reply.status_after': 'After sending', 'reply.cc': 'CC (comma separated)',
    'reply.sent': 'Reply queued to be sent.', 'note.added': 'Note added.',
    'reply.window_closed': "More than 24 hours passed since the customer's last message: WhatsApp only allows an approved template.",
    'reply.template': 'Template', 'reply.template_language': 'Template language',
    'delivery.queued': 'Queued', 'delivery.sent': 'Sent', 'delivery.delivered': 'Delivered',
    'delivery.read': 'Read', 'delivery.failed': 'Failed', 'delivery.received': 'Received',
    'sla.first_response': 'First response', 'sla.next_response': 'Next response', 'sla.resolution': 'Resolution',
    'sla.running': 'running', 'sla.warning': 'due soon', 'sla.paused': 'paused', 'sla.breached': 'breached',
    'sla.met': 'met', 'sla.missed': 'met late', 'sla.due_in': 'due in {time}', 'sla.overdue': 'overdue by {time}',
    'sla.title': 'SLA', 'sla.policy': 'Policy', 'sla.acknowledge': 'Acknowledge', 'sla.acknowledged': 'Escalation acknowledged.',
    'sla.escalated': 'Escalated: waiting for your acknowledgment',
    'event.created': 'created the ticket', 'event.updated': 'changed', 'event.reopened': 'reopened the ticket',
    'event.sla_warning': 'SLA warning', 'event.sla_breach': 'SLA breached', 'event.escalated': 'escalated',
    'notifications.title': 'Notifications', 'notifications.unread': 'Notifications ({count} unread)',
    'notifications.none': 'No notifications.', 'notifications.assigned': '{actor} assigned you #{number} {subject}',
    'notifications.mentioned': '{actor} mentioned you on #{number} {subject}',
    'presence.viewing': '{name} is also viewing this ticket.', 'presence.replying': '{name} is replying to this ticket.',
    'shortcuts': 'Shortcuts: j/k move · Enter open · r reply · n note · Esc back · Ctrl+Enter send',
    'error.network': 'Cannot reach the server.', 'loading': 'Loading…', 'live': 'Live',
  },
};

const STORED = 'atiende.language';
let current = localStorage.getItem(STORED) || 'es'; // Spanish first; English on request
if (!TEXTS[current]) current = 'es';

export const languages = Object.keys(TEXTS);
export const language = () => current;

export function setLanguage(code) {
  if (!TEXTS[code]) return;
  current = code;
  localStorage.setItem(STORED, code);
  document.documentElement.lang = code;
}

export function t(key, values = {}) {
  const text = TEXTS[current][key] ?? TEXTS.es[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ''));
}

const locale = () => (current === 'es' ? 'es-419' : 'en');

export function formatTime(iso) {
  if (!iso) return '';
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

export function formatAge(iso, now = Date.now()) {
  if (!iso) return '';
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const units = [['day', 86400], ['hour', 3600], ['minute', 60]];
  const format = new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' });
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return format.format(Math.trunc(seconds / size), unit);
  }
  return format.format(seconds, 'second');
}

export function formatDuration(milliseconds) {
  const minutes = Math.max(0, Math.round(Math.abs(milliseconds) / 60000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

document.documentElement.lang = current;
