// Spanish (Latin American) first, English second. Every text the console shows
// is here, but those of parts loaded with import() (pages/admin/texts.js,
// pages/contact/duplicates.js, personal-data.js); `t(key, values)` fills {placeholders}.
const TEXTS = {
  es: {
    'app.name': 'Atiende', 'app.tagline': 'Mesa de ayuda',
    'signin.title': 'Inicia sesión', 'signin.email': 'Correo', 'signin.password': 'Contraseña',
    'signin.submit': 'Entrar', 'signin.failed': 'Correo o contraseña incorrectos.', 'signout': 'Salir',
    'signin.forgot': '¿Olvidaste tu contraseña?', 'signin.back': 'Volver a iniciar sesión',
    'signin.session_expired': 'Pasó demasiado tiempo y el paso de inicio de sesión venció. Vuelve a escribir tu correo y contraseña.',
    'signin.too_many': 'Demasiados intentos. Espera unos minutos y vuelve a intentarlo.',
    'signin.reset_required': 'Debes elegir una contraseña nueva: te enviaremos un código por correo.',
    'signin.not_confirmed': 'Tu cuenta aún no está confirmada. Pide ayuda a un(a) administrador(a).',
    'signin.unexpected': 'No se pudo iniciar sesión. Vuelve a intentarlo.',
    'password.choose_title': 'Elige tu contraseña', 'password.first_time': 'Es tu primer inicio de sesión: cambia la contraseña temporal que recibiste por una nueva.',
    'password.policy': 'La contraseña necesita al menos {count} caracteres, con {needs}.',
    'password.upper': 'una mayúscula', 'password.lower': 'una minúscula', 'password.number': 'un número', 'password.symbol': 'un símbolo',
    'password.new': 'Contraseña nueva', 'password.repeat': 'Repite la contraseña nueva', 'password.save': 'Guardar contraseña y entrar',
    'password.mismatch': 'Las dos contraseñas no coinciden.', 'password.weak': 'Esa contraseña es muy débil.',
    'mfa.title': 'Verificación en dos pasos', 'mfa.menu': 'Verificación en dos pasos', 'mfa.code': 'Código de 6 dígitos', 'mfa.verify': 'Verificar',
    'mfa.code_hint': 'Ábrelo en tu app de autenticación (Google Authenticator, Microsoft Authenticator, 1Password…).',
    'code.wrong': 'El código no es correcto. Revísalo y vuelve a escribirlo.',
    'code.expired': 'El código venció. Pide uno nuevo.',
    'reset.title': 'Recupera tu contraseña', 'reset.explain': 'Escribe tu correo: te enviaremos un código para elegir una contraseña nueva.',
    'reset.send': 'Enviar código', 'reset.sent': 'Si {email} tiene una cuenta, le enviamos un código. Revisa tu correo.',
    'reset.code': 'Código del correo', 'reset.again': 'Enviar otro código', 'reset.done': 'Contraseña cambiada. Ya puedes entrar.',
    'language': 'Idioma', 'skip': 'Saltar al contenido',
    'view.mine': 'Mis tickets', 'view.unassigned': 'Sin asignar', 'view.open': 'Todos abiertos',
    'view.pending': 'Pendientes', 'view.on_hold': 'En espera', 'view.solved': 'Resueltos', 'view.breaching': 'Por vencer',
    'list.empty': 'No hay tickets en esta vista.', 'list.more': 'Cargar más', 'list.subject': 'Asunto',
    'list.channel': 'Canal', 'list.status': 'Estado', 'list.priority': 'Prioridad', 'list.assignee': 'Asignado',
    'list.updated': 'Actividad', 'bulk.all': 'Marcar todos los tickets de la lista', 'bulk.one': 'Marcar el ticket #{number}', 'list.sla': 'SLA', 'list.unassigned': 'Nadie', 'list.me': 'Yo',
    'status.new': 'Nuevo', 'status.open': 'Abierto', 'status.pending': 'Pendiente', 'status.on_hold': 'En espera',
    'status.solved': 'Resuelto', 'status.closed': 'Cerrado',
    'priority.low': 'Baja', 'priority.normal': 'Normal', 'priority.high': 'Alta', 'priority.urgent': 'Urgente',
    'channel.email': 'Correo', 'channel.whatsapp': 'WhatsApp', 'channel.chat': 'Chat', 'channel.web_form': 'Formulario',
    'channel.messenger': 'Messenger', 'channel.instagram': 'Instagram', 'channel.phone': 'Teléfono',
    'notice.story_reply': 'Respondió a una historia tuya', 'notice.story_mention': 'Te mencionó en su historia',
    'notice.quick_reply': 'Eligió una respuesta rápida ({payload})', 'notice.postback': 'Tocó un botón ({payload})',
    'notice.reaction': 'Reaccionó a un mensaje', 'notice.reaction_removed': 'Quitó su reacción a un mensaje',
    'notice.shared': 'Compartió contenido ({type})', 'notice.unsupported': 'Envió algo que aún no podemos mostrar ({type})',
    'notice.media_unavailable': 'No pudimos traer un archivo ({type}): {reason}', 'notice.deleted': 'El cliente borró este mensaje',
    'ticket.back': 'Volver a la lista', 'ticket.take': 'Tomar', 'ticket.release': 'Liberar', 'ticket.group': 'Grupo',
    'ticket.none': 'Ninguno', 'ticket.save': 'Guardar', 'ticket.saved': 'Cambios guardados.',
    'ticket.conflict': 'Alguien más cambió este ticket; se cargó la versión actual.',
    'ticket.contact': 'Contacto', 'ticket.country': 'País', 'ticket.identities': 'Datos de contacto',
    'ticket.history': 'Historial', 'ticket.note': 'Nota interna', 'ticket.attachments': 'Adjuntos',
    'message.show_quoted': 'Mostrar texto citado', 'message.hide_quoted': 'Ocultar texto citado',
    'search.label': 'Buscar tickets', 'search.placeholder': 'Palabras, número, correo o teléfono', 'search.results': 'Resultados para «{query}»', 'search.none': 'Nada coincide. Prueba con menos palabras o quita un filtro.',
    'search.sort': 'Ordenar', 'search.sort.relevance': 'Más relevantes', 'search.sort.newest': 'Más recientes',
    'search.previous': 'Anteriores', 'search.next': 'Siguientes', 'search.page': 'Página {page}',
    'search.partial': 'La búsqueda se detuvo en su límite de lectura: puede haber tickets más antiguos. Agrega una palabra o un filtro (p. ej. created>2026-01-01).',
    'search.help': 'Cómo buscar', 'search.help.close': 'Cerrar la ayuda',
    'search.help.words': 'Palabras en cualquier orden: se buscan en todos los mensajes, notas, asunto, contacto, etiquetas, campos y archivos. Acentos, plurales y errores de tipeo no importan.',
    'search.help.phrase': '"frase exacta"', 'search.help.exclude': '-palabra: sin esa palabra',
    'search.help.filters': 'status:abierto priority:urgente group:Facturación assignee:me tag:vip channel:whatsapp',
    'search.help.from': 'from:correo@ejemplo.com o from:+504 9999-1234',
    'search.help.dates': 'created>2026-11-01 updated<2026-12-01',
    'search.help.number': '#48213: el ticket con ese número',
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
    'event.identity_check_sent': 'envió un código de verificación', 'event.identity_verified': 'verificó su identidad',
    'event.identity_check_failed': 'agotó los intentos del código', 'field.identity': 'identidad',
    'identity.title': 'Identidad', 'identity.none': 'Sin verificar. Para preguntas de la cuenta, envía un código al contacto.',
    'identity.pending': 'Código enviado a {to} por {via}: vence a las {time}. Intentos restantes: {left}.',
    'identity.verified': 'Identidad verificada por {via} ({to}), {time}.',
    'identity.failed': 'El código de {to} se agotó tras intentos equivocados. Envía otro.',
    'identity.expired': 'El código enviado a {to} venció sin respuesta. Envía otro.',
    'identity.send_email': 'Enviar código por correo', 'identity.send_whatsapp': 'Enviar código por WhatsApp',
    'identity.sent': 'Código enviado. Pide al cliente que lo escriba en esta conversación.',
    'status_link.title': 'Página de estado del cliente', 'status_link.new': 'Crear enlace para compartir',
    'status_link.revoke': 'Desactivar todos los enlaces enviados', 'status_link.made': 'Enlace válido hasta {time}:',
    'status_link.revoked': 'Los enlaces enviados hasta ahora ya no abren la página.',
    'follow_ups.menu': 'Seguimiento',
    'survey.title': 'Encuesta de satisfacción', 'survey.none': 'Sin encuesta enviada.',
    'survey.sent': 'Enviada {time} por {channel}.', 'survey.csat': 'CSAT {score}/5', 'survey.nps': 'NPS {score}/10',
    'survey.unanswered': 'Sin respuesta todavía.', 'survey.opted_out': 'El cliente pidió no recibir encuestas ({time}).',
    'survey.earlier': 'Respuestas anteriores del cliente',
    'notifications.title': 'Notificaciones', 'notifications.unread': 'Notificaciones: {count} sin leer',
    'notifications.none': 'Sin notificaciones.', 'notifications.assigned': '{actor} te asignó #{number} {subject}',
    'notifications.mentioned': '{actor} te mencionó en #{number} {subject}',
    'notifications.rule': 'Regla «{actor}»: #{number} {subject}',
    'notifications.poor_survey': 'Encuesta con mala calificación: #{number} {subject}',
    'alerts.customer_wrote': 'El cliente respondió en #{number}', 'alerts.sla': 'SLA por vencer en #{number}',
    'alerts.turn_on': 'Activar avisos', 'alerts.turn_off': 'Desactivar avisos',
    'alerts.hint': 'Avisos del navegador cuando la pestaña está en segundo plano: asignaciones, menciones, respuestas de clientes y SLA.',
    'alerts.blocked': 'El navegador bloqueó los avisos de este sitio: permítelos en su configuración.',
    'offline': 'Sin conexión: lo que ves puede no estar al día. Seguiremos intentando.',
    'presence.viewing': '{name} también está viendo este ticket.', 'presence.replying': '{name} está respondiendo este ticket.',
    'presence.visitor_here': 'El cliente está en el chat.', 'presence.visitor_typing': 'El cliente está escribiendo…',
    'shortcuts': 'Atajos: j/k mover · Enter abrir · r responder · n nota · Esc volver · Ctrl+Enter enviar',
    'error.network': 'No hay conexión con el servidor.', 'loading': 'Cargando…', 'live': 'En vivo',

    // administration: what shows outside its pages (theirs are in pages/admin/texts.js)
    'admin.title': 'Administración',
    'kb.title': 'Base de conocimiento', 'kb.suggested': 'Artículos sugeridos', 'kb.insert_link': 'Insertar enlace',
    'kb.insert_text': 'Insertar resumen', 'kb.internal': 'interno', 'quality.title': 'Calidad', 'quality.mine': 'Mis evaluaciones', 'quality.pick': 'Evaluar calidad',
    'quality.picked': 'El ticket quedó en la cola de calidad.',
    'admin.forbidden': 'No tienes permiso para hacer esto: la administración es solo para administradores.',
    'admin.yes': 'Sí', 'admin.no': 'No', 'admin.cancel': 'Cancelar',
    'role.agent': 'Agente', 'role.supervisor': 'Supervisor(a)', 'role.admin': 'Administrador(a)', 'reports.menu': 'Reportes',
    'ticket.new_tag': 'Nueva etiqueta', 'ticket.add_tag': 'Agregar etiqueta', 'ticket.remove_tag': 'Quitar la etiqueta {tag}',
    'ticket.no_tags': 'Sin etiquetas', 'ticket.custom_fields': 'Campos personalizados',

    // availability, the ticket's contact (its duplicates and personal data bring their own), merged tickets, history
    'availability.label': 'Disponible', 'availability.away': 'Ausente',
    'availability.hint': 'Ausente: el reparto automático no te asigna tickets nuevos.',
    'actor.contact': 'Cliente', 'actor.agent': 'Agente', 'actor.bot': 'Bot', 'actor.system': 'Sistema', 'actor.rule': 'Regla', 'actor.rule_named': 'Regla: {name}',
    'actor.api_key': 'Clave de API', 'actor.api_key_named': 'Clave de API: {name}',
    'contact.edit': 'Editar', 'contact.noun': 'contacto', 'contact.form_title': 'Editar contacto',
    'contact.no_name': 'Sin nombre', 'contact.name': 'Nombre', 'contact.country': 'País',
    'contact.country_hint': 'Código de dos letras, p. ej. GT, SV o MX.', 'contact.language': 'Idioma',
    'contact.picture': 'Foto de perfil de {name}',
    'contact.tier': 'Nivel', 'contact.no_identities': 'Sin datos de contacto.',
    'contact.new_identity': 'nuevo', 'contact.remove_identity': 'Quitar {value}',
    'contact.identity_kind': 'Tipo de dato', 'contact.identity_value': 'Dato nuevo', 'contact.add_identity': 'Agregar dato',
    'contact.save': 'Guardar contacto', 'contact.saved': 'Contacto guardado.',
    'contact.bad_country': 'El país es un código de dos letras, p. ej. GT.',
    'contact.invalid_identity': 'Ese dato de contacto no es válido (un teléfono lleva su código de país, p. ej. +502…).',
    'contact.taken_merge': 'Si es la misma persona, fusiona los dos contactos con «Fusionar contacto duplicado».',
    'contact.taken_ask': 'Si es la misma persona, pide a un(a) supervisor(a) que fusione los dos contactos.',
    'contact.erased': 'Datos personales borrados el {date}',
    'identity.email': 'Correo', 'identity.whatsapp': 'WhatsApp', 'identity.phone': 'Teléfono', 'identity.web_session': 'Sesión web',
    'identity.messenger': 'Messenger (PSID)', 'identity.instagram': 'Instagram (IGSID)',
    'language.es': 'Español', 'language.en': 'Inglés',
    'ticket.merge_here': 'Fusionar aquí', 'ticket.merge_yes': 'Sí, fusionar',
    'ticket.merge_confirm': '¿Fusionar #{source} en este ticket (#{target})? #{source} se cerrará y sus mensajes se unirán a este.',
    'ticket.merged_here': '#{source} se fusionó en este ticket.', 'ticket.merged_into': 'Este ticket se fusionó en',
    'field.status': 'estado', 'field.priority': 'prioridad', 'field.group_id': 'grupo', 'field.assignee_id': 'asignado',
    'field.tags': 'etiquetas', 'field.subject': 'asunto', 'field.cc': 'CC', 'field.contact_id': 'contacto',
    'field.custom_fields': 'campos personalizados', 'field.merged_into': 'fusionado en', 'field.channel': 'canal',
    'event.webhook_called': 'llamó a un webhook', 'field.rule_webhook': 'webhook',
    'field.rule_notified': 'avisó a', 'field.rule_reply': 'respondió al cliente', 'field.rule_reply_skipped': 'no envió su respuesta',
    'rule_skip.outside_whatsapp_window': 'fuera de la ventana de 24 horas de WhatsApp y sin plantilla aprobada',
    'rule_skip.template_not_approved': 'la plantilla no está aprobada', 'rule_skip.macro_without_reply': 'la macro no tiene respuesta',
    'rule_skip.ticket_closed': 'el ticket está cerrado',
    'change.merged_from': 'fusionó {value}', 'change.merged_into': 'se fusionó en {value}',
    'change.personal_data': 'datos personales borrados', 'change.other_contact': 'otro contacto (fusión)',

    // files on messages and replies, WhatsApp templates, mentions in notes
    'attachment.download': 'Descargar', 'attachment.original': 'Ver correo original',
    'attachment.downloading': 'Descarga iniciada: {name}.', 'attachment.no_preview': 'Vista previa no disponible.',
    'reply.attach': 'Adjuntar archivos', 'reply.attach_hint': 'Hasta 4 MB por archivo y {count} archivos por respuesta.',
    'reply.files': 'Archivos para adjuntar', 'reply.uploading': 'subiendo…', 'reply.uploaded': 'Archivo listo: {name}.',
    'reply.upload_failed': 'No se pudo subir «{name}»: {reason}', 'reply.remove_file': 'Quitar el archivo {name}',
    'reply.file_removed': 'Se quitó el archivo {name}.', 'reply.wait_uploads': 'Esperando a que suban los archivos…',
    'reply.too_large': '«{name}» pesa más de 4 MB y no se puede adjuntar.', 'reply.empty_file': '«{name}» está vacío.',
    'reply.too_many': 'Una respuesta lleva hasta {count} archivos.',
    'reply.choose_template': 'Elige una plantilla aprobada…', 'reply.template_option': '{label} ({language})',
    'reply.template_parameter': 'Valor de {placeholder}', 'reply.template_preview': 'Vista previa del mensaje',
    'reply.template_missing': 'Completa todos los valores de la plantilla para enviarla.',
    'note.mention_hint': 'Escribe @ y un nombre para mencionar a alguien del equipo: recibirá una notificación.',
    'note.mention_list': 'Agentes que puedes mencionar',
    'note.mention_count': 'Agentes que coinciden: {count}. Flechas para elegir, Enter o Tab para mencionar, Esc para cerrar.',
    'note.mentioned': 'Menciona a: {names}',
  },
  en: {
    'app.name': 'Atiende', 'app.tagline': 'Help desk',
    'signin.title': 'Sign in', 'signin.email': 'Email', 'signin.password': 'Password',
    'signin.submit': 'Sign in', 'signin.failed': 'Wrong email or password.', 'signout': 'Sign out',
    'signin.forgot': 'Forgot your password?', 'signin.back': 'Back to sign in',
    'signin.session_expired': 'Too much time went by and this sign-in step expired. Type your email and password again.',
    'signin.too_many': 'Too many attempts. Wait a few minutes and try again.',
    'signin.reset_required': 'You must choose a new password: we will email you a code.',
    'signin.not_confirmed': 'Your account is not confirmed yet. Ask an administrator for help.',
    'signin.unexpected': 'Could not sign in. Try again.',
    'password.choose_title': 'Choose your password', 'password.first_time': 'This is your first sign-in: replace the temporary password you received with a new one.',
    'password.policy': 'The password needs at least {count} characters, with {needs}.',
    'password.upper': 'an uppercase letter', 'password.lower': 'a lowercase letter', 'password.number': 'a number', 'password.symbol': 'a symbol',
    'password.new': 'New password', 'password.repeat': 'Repeat the new password', 'password.save': 'Save password and sign in',
    'password.mismatch': 'The two passwords do not match.', 'password.weak': 'That password is too weak.',
    'mfa.title': 'Two-step verification', 'mfa.menu': 'Two-step verification', 'mfa.code': '6-digit code', 'mfa.verify': 'Verify',
    'mfa.code_hint': 'Open it in your authenticator app (Google Authenticator, Microsoft Authenticator, 1Password…).',
    'code.wrong': 'The code is not right. Check it and type it again.',
    'code.expired': 'The code expired. Ask for a new one.',
    'reset.title': 'Reset your password', 'reset.explain': 'Type your email: we will send you a code to choose a new password.',
    'reset.send': 'Send code', 'reset.sent': 'If {email} has an account, we sent it a code. Check your email.',
    'reset.code': 'Code from the email', 'reset.again': 'Send another code', 'reset.done': 'Password changed. You can sign in now.',
    'language': 'Language', 'skip': 'Skip to content',
    'view.mine': 'My tickets', 'view.unassigned': 'Unassigned', 'view.open': 'All open',
    'view.pending': 'Pending', 'view.on_hold': 'On hold', 'view.solved': 'Solved', 'view.breaching': 'Breaching soon',
    'list.empty': 'No tickets in this view.', 'list.more': 'Load more', 'list.subject': 'Subject',
    'list.channel': 'Channel', 'list.status': 'Status', 'list.priority': 'Priority', 'list.assignee': 'Assignee',
    'list.updated': 'Activity', 'bulk.all': 'Check every ticket in the list', 'bulk.one': 'Check ticket #{number}', 'list.sla': 'SLA', 'list.unassigned': 'Nobody', 'list.me': 'Me',
    'status.new': 'New', 'status.open': 'Open', 'status.pending': 'Pending', 'status.on_hold': 'On hold',
    'status.solved': 'Solved', 'status.closed': 'Closed',
    'priority.low': 'Low', 'priority.normal': 'Normal', 'priority.high': 'High', 'priority.urgent': 'Urgent',
    'channel.email': 'Email', 'channel.whatsapp': 'WhatsApp', 'channel.chat': 'Chat', 'channel.web_form': 'Web form',
    'channel.messenger': 'Messenger', 'channel.instagram': 'Instagram', 'channel.phone': 'Phone',
    'notice.story_reply': 'Replied to one of your stories', 'notice.story_mention': 'Mentioned you in their story',
    'notice.quick_reply': 'Picked a quick reply ({payload})', 'notice.postback': 'Tapped a button ({payload})',
    'notice.reaction': 'Reacted to a message', 'notice.reaction_removed': 'Removed their reaction to a message',
    'notice.shared': 'Shared content ({type})', 'notice.unsupported': 'Sent something we cannot show yet ({type})',
    'notice.media_unavailable': 'Could not fetch a file ({type}): {reason}', 'notice.deleted': 'The customer deleted this message',
    'ticket.back': 'Back to the list', 'ticket.take': 'Take', 'ticket.release': 'Release', 'ticket.group': 'Group',
    'ticket.none': 'None', 'ticket.save': 'Save', 'ticket.saved': 'Changes saved.',
    'ticket.conflict': 'Someone else changed this ticket; the current version was loaded.',
    'ticket.contact': 'Contact', 'ticket.country': 'Country', 'ticket.identities': 'Contact details',
    'ticket.history': 'History', 'ticket.note': 'Internal note', 'ticket.attachments': 'Attachments',
    'message.show_quoted': 'Show quoted text', 'message.hide_quoted': 'Hide quoted text',
    'search.label': 'Search tickets', 'search.placeholder': 'Words, number, email or phone', 'search.results': 'Results for "{query}"', 'search.none': 'Nothing matches. Try fewer words or drop a filter.',
    'search.sort': 'Sort', 'search.sort.relevance': 'Most relevant', 'search.sort.newest': 'Newest',
    'search.previous': 'Previous', 'search.next': 'Next', 'search.page': 'Page {page}',
    'search.partial': 'The search stopped at its read limit: older tickets may match too. Add a word or a filter (e.g. created>2026-01-01).',
    'search.help': 'How to search', 'search.help.close': 'Close the help',
    'search.help.words': 'Words in any order: every message, note, subject, contact, tag, field and file name is searched. Accents, plurals and typos do not matter.',
    'search.help.phrase': '"exact phrase"', 'search.help.exclude': '-word: without that word',
    'search.help.filters': 'status:open priority:urgent group:Billing assignee:me tag:vip channel:whatsapp',
    'search.help.from': 'from:name@example.com or from:+504 9999-1234',
    'search.help.dates': 'created>2026-11-01 updated<2026-12-01',
    'search.help.number': '#48213: the ticket with that number',
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
    'event.identity_check_sent': 'sent a verification code', 'event.identity_verified': 'verified their identity',
    'event.identity_check_failed': 'used up the code\'s attempts', 'field.identity': 'identity',
    'identity.title': 'Identity', 'identity.none': 'Not verified. For account questions, send the contact a code.',
    'identity.pending': 'Code sent to {to} by {via}: expires at {time}. Attempts left: {left}.',
    'identity.verified': 'Identity verified by {via} ({to}), {time}.',
    'identity.failed': 'The code sent to {to} was used up by wrong answers. Send another.',
    'identity.expired': 'The code sent to {to} expired unanswered. Send another.',
    'identity.send_email': 'Send code by e-mail', 'identity.send_whatsapp': 'Send code by WhatsApp',
    'identity.sent': 'Code sent. Ask the customer to type it in this conversation.',
    'status_link.title': "Customer's status page", 'status_link.new': 'Make a link to share',
    'status_link.revoke': 'Turn off every link sent', 'status_link.made': 'Link valid until {time}:',
    'status_link.revoked': 'The links sent so far no longer open the page.',
    'follow_ups.menu': 'Follow-up',
    'survey.title': 'Satisfaction survey', 'survey.none': 'No survey sent.',
    'survey.sent': 'Sent {time} by {channel}.', 'survey.csat': 'CSAT {score}/5', 'survey.nps': 'NPS {score}/10',
    'survey.unanswered': 'No answer yet.', 'survey.opted_out': 'The customer asked for no surveys ({time}).',
    'survey.earlier': "The customer's earlier answers",
    'notifications.title': 'Notifications', 'notifications.unread': 'Notifications: {count} unread',
    'notifications.none': 'No notifications.', 'notifications.assigned': '{actor} assigned you #{number} {subject}',
    'notifications.mentioned': '{actor} mentioned you on #{number} {subject}',
    'notifications.rule': 'Rule "{actor}": #{number} {subject}',
    'notifications.poor_survey': 'Poor survey answer: #{number} {subject}',
    'alerts.customer_wrote': 'The customer answered on #{number}', 'alerts.sla': 'SLA due soon on #{number}',
    'alerts.turn_on': 'Turn on alerts', 'alerts.turn_off': 'Turn off alerts',
    'alerts.hint': 'Browser alerts while the tab is in the background: assignments, mentions, customer answers and SLA.',
    'alerts.blocked': 'The browser blocked alerts from this site: allow them in its settings.',
    'offline': 'Offline: what you see may be out of date. We keep trying.',
    'presence.viewing': '{name} is also viewing this ticket.', 'presence.replying': '{name} is replying to this ticket.',
    'presence.visitor_here': 'The customer is in the chat.', 'presence.visitor_typing': 'The customer is typing…',
    'shortcuts': 'Shortcuts: j/k move · Enter open · r reply · n note · Esc back · Ctrl+Enter send',
    'error.network': 'Cannot reach the server.', 'loading': 'Loading…', 'live': 'Live',

    // administration: what shows outside its pages (theirs are in pages/admin/texts.js)
    'admin.title': 'Administration',
    'kb.title': 'Knowledge base', 'kb.suggested': 'Suggested articles', 'kb.insert_link': 'Insert link',
    'kb.insert_text': 'Insert summary', 'kb.internal': 'internal', 'quality.title': 'Quality', 'quality.mine': 'My reviews', 'quality.pick': 'Review quality',
    'quality.picked': 'The ticket is in the quality queue.',
    'admin.forbidden': 'You are not allowed to do this: administration is for administrators only.',
    'admin.yes': 'Yes', 'admin.no': 'No', 'admin.cancel': 'Cancel',
    'role.agent': 'Agent', 'role.supervisor': 'Supervisor', 'role.admin': 'Administrator', 'reports.menu': 'Reports',
    'ticket.new_tag': 'New tag', 'ticket.add_tag': 'Add tag', 'ticket.remove_tag': 'Remove the tag {tag}',
    'ticket.no_tags': 'No tags', 'ticket.custom_fields': 'Custom fields',

    // availability, the ticket's contact (its duplicates and personal data bring their own), merged tickets, history
    'availability.label': 'Available', 'availability.away': 'Away',
    'availability.hint': 'Away: automatic assignment gives you no new tickets.',
    'actor.contact': 'Customer', 'actor.agent': 'Agent', 'actor.bot': 'Bot', 'actor.system': 'System', 'actor.rule': 'Rule', 'actor.rule_named': 'Rule: {name}',
    'actor.api_key': 'API key', 'actor.api_key_named': 'API key: {name}',
    'contact.edit': 'Edit', 'contact.noun': 'contact', 'contact.form_title': 'Edit contact',
    'contact.no_name': 'No name', 'contact.name': 'Name', 'contact.country': 'Country',
    'contact.country_hint': 'Two-letter code, e.g. GT, SV or MX.', 'contact.language': 'Language',
    'contact.picture': "{name}'s profile picture",
    'contact.tier': 'Tier', 'contact.no_identities': 'No ways to reach them.',
    'contact.new_identity': 'new', 'contact.remove_identity': 'Remove {value}',
    'contact.identity_kind': 'Kind', 'contact.identity_value': 'New e-mail, phone or id', 'contact.add_identity': 'Add',
    'contact.save': 'Save contact', 'contact.saved': 'Contact saved.',
    'contact.bad_country': 'The country is a two-letter code, e.g. GT.',
    'contact.invalid_identity': 'That is not a valid way to reach them (a phone number carries its country code, e.g. +502…).',
    'contact.taken_merge': 'If it is the same person, merge the two contacts with "Merge duplicate contact".',
    'contact.taken_ask': 'If it is the same person, ask a supervisor to merge the two contacts.',
    'contact.erased': 'Personal data erased on {date}',
    'identity.email': 'Email', 'identity.whatsapp': 'WhatsApp', 'identity.phone': 'Phone', 'identity.web_session': 'Web session',
    'identity.messenger': 'Messenger (PSID)', 'identity.instagram': 'Instagram (IGSID)',
    'language.es': 'Spanish', 'language.en': 'English',
    'ticket.merge_here': 'Merge here', 'ticket.merge_yes': 'Yes, merge',
    'ticket.merge_confirm': 'Merge #{source} into this ticket (#{target})? #{source} will be closed and its messages join this one.',
    'ticket.merged_here': '#{source} was merged into this ticket.', 'ticket.merged_into': 'This ticket was merged into',
    'field.status': 'status', 'field.priority': 'priority', 'field.group_id': 'group', 'field.assignee_id': 'assignee',
    'field.tags': 'tags', 'field.subject': 'subject', 'field.cc': 'CC', 'field.contact_id': 'contact',
    'field.custom_fields': 'custom fields', 'field.merged_into': 'merged into', 'field.channel': 'channel',
    'event.webhook_called': 'called a webhook', 'field.rule_webhook': 'webhook',
    'field.rule_notified': 'notified', 'field.rule_reply': 'replied to the customer', 'field.rule_reply_skipped': 'did not send its reply',
    'rule_skip.outside_whatsapp_window': 'outside WhatsApp\'s 24-hour window, with no approved template',
    'rule_skip.template_not_approved': 'the template is not approved', 'rule_skip.macro_without_reply': 'the macro has no reply',
    'rule_skip.ticket_closed': 'the ticket is closed',
    'change.merged_from': 'merged {value} into this', 'change.merged_into': 'merged into {value}',
    'change.personal_data': 'personal data erased', 'change.other_contact': 'another contact (merge)',

    // files on messages and replies, WhatsApp templates, mentions in notes
    'attachment.download': 'Download', 'attachment.original': 'Original e-mail',
    'attachment.downloading': 'Download started: {name}.', 'attachment.no_preview': 'Preview not available.',
    'reply.attach': 'Attach files', 'reply.attach_hint': 'Up to 4 MB per file and {count} files per reply.',
    'reply.files': 'Files to attach', 'reply.uploading': 'uploading…', 'reply.uploaded': 'File ready: {name}.',
    'reply.upload_failed': 'Could not upload “{name}”: {reason}', 'reply.remove_file': 'Remove the file {name}',
    'reply.file_removed': 'Removed the file {name}.', 'reply.wait_uploads': 'Waiting for the files to upload…',
    'reply.too_large': '“{name}” is larger than 4 MB and cannot be attached.', 'reply.empty_file': '“{name}” is empty.',
    'reply.too_many': 'A reply carries at most {count} files.',
    'reply.choose_template': 'Choose an approved template…', 'reply.template_option': '{label} ({language})',
    'reply.template_parameter': 'Value for {placeholder}', 'reply.template_preview': 'Message preview',
    'reply.template_missing': 'Fill in every value of the template to send it.',
    'note.mention_hint': 'Type @ and a name to mention a teammate: they get a notification.',
    'note.mention_list': 'Agents you can mention',
    'note.mention_count': 'Matching agents: {count}. Arrows to choose, Enter or Tab to mention, Esc to close.',
    'note.mentioned': 'Mentions: {names}',
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

// Texts that arrive later with a part of the console loaded by import()
export function addTexts(more) {
  for (const code of languages) Object.assign(TEXTS[code], more[code]);
}

export function t(key, values = {}) {
  const text = TEXTS[current][key] ?? TEXTS.es[key] ?? key;
  // a placeholder with no value stays as written (a WhatsApp template's {{1}})
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name] ?? '') : whole));
}

// A translation, or `fallback` when there is none (e.g. an audit action added later)
export function tOr(key, fallback) {
  const text = t(key);
  return text === key ? fallback : text;
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

// A file's size: bytes, kB or MB in the console's language
export function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  const [value, unit] = bytes < 1024 * 1024 ? [bytes / 1024, 'kilobyte'] : [bytes / (1024 * 1024), 'megabyte'];
  return new Intl.NumberFormat(locale(), { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: 1 }).format(value);
}

export function formatDuration(milliseconds) {
  const minutes = Math.max(0, Math.round(Math.abs(milliseconds) / 60000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

document.documentElement.lang = current;
