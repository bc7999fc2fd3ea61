"""The demo help center in Spanish (usted): the headings that hold the translated articles,
the most read articles (the cancel article first), one draft. Product names and addresses
stay as they are; the labels of buttons and menus are the Spanish product's."""

from .account_billing import ADVISORS_PHONE, SIGN_IN, TERMS, VIDEO_CLOSE_COMPLETE, VIDEO_DOWNGRADE_PAGES
from .spec import DemoArticleTranslation, DemoHeadingTranslation, DemoLocale

CATEGORIES = (
    DemoHeadingTranslation(
        slug="getting-started",
        name="Primeros pasos",
        description="¿Es nuevo en Lumora? Configure su cuenta, importe sus contactos y conozca a su equipo.",
    ),
    DemoHeadingTranslation(
        slug="account-billing",
        name="Cuenta y facturación",
        description="Planes, pagos, facturas, sus datos y la seguridad de su inicio de sesión.",
    ),
    DemoHeadingTranslation(
        slug="troubleshooting",
        name="Solución de problemas",
        description="¿Algo no funciona? Empiece aquí.",
    ),
)

SECTIONS = (
    DemoHeadingTranslation(
        slug="first-steps",
        name="Para empezar",
        description="Todo lo que necesita en su primera semana con Lumora.",
    ),
    DemoHeadingTranslation(
        slug="your-team",
        name="Su equipo",
        description="Invite a sus compañeros, elija qué pueden hacer y ordene los accesos cuando alguien se va.",
    ),
    DemoHeadingTranslation(
        slug="billing-and-plans",
        name="Facturación y planes",
        description="Cambie, pause o cancele su plan, actualice su tarjeta y encuentre sus facturas.",
    ),
    DemoHeadingTranslation(
        slug="your-data",
        name="Sus datos",
        description="Exporte lo que tiene guardado en Lumora o elimínelo definitivamente.",
    ),
    DemoHeadingTranslation(
        slug="sign-in-and-security",
        name="Inicio de sesión y seguridad",
        description="Contraseñas, verificación en dos pasos y la dirección de correo con la que inicia sesión.",
    ),
    DemoHeadingTranslation(
        slug="common-problems",
        name="Problemas frecuentes",
        description="Soluciones a los problemas que más consultan a nuestro equipo de Soporte.",
    ),
)

ARTICLES = (
    DemoArticleTranslation(
        key="cancel-account",
        title="¿Cómo cancelo mi cuenta?",
        labels=("facturación", "cancelación"),
        body=f"""\
Puede dejar de pagar Lumora cuando quiera, sin tener que llamar a nadie. Lo que nuestro
equipo **no puede** hacer es cerrar una cuenta en su nombre: en ella están sus contactos,
sus páginas y el historial de sus campañas, y no vamos a arriesgarnos a borrar información
que quizá todavía necesite. Los pasos que verá a continuación los da usted, y le llevarán
unos dos minutos.

> **Antes de cancelar:** [exporte sus datos](article:export-your-data). Cuando se cierra
> una cuenta, sus datos pueden eliminarse de inmediato y no podemos recuperarlos.

## ¿Le ayudaría hablar antes con nosotros?

Si algo no le está funcionando, a nuestros asesores de Business Solutions les gustaría
saberlo: a menudo un cambio de plan o un ajuste resuelve el problema. Llame al
**{ADVISORS_PHONE}** en horario de atención. Fuera de ese horario, inicie un chat con
nuestro equipo de Soporte desde el botón **Ayuda** de su cuenta. Nuestro
[asistente de cancelación](/contact/cancel/) le indica si los asesores están disponibles
en este momento, le permite pedir que le llamemos o le muestra los pasos para su plan.

## ¿Qué plan tiene?

| Si su plan es… | Haga esto |
|---|---|
| **Lumora Complete** (CRM, correo y páginas) | [Cierre la cuenta](#cancelar-lumora-complete) |
| **Lumora Pages Premium** (solo páginas) | [Cambie a Lumora Pages Free](#cancelar-lumora-pages-premium) |
| **Lumora Pages Free** | No tiene que hacer nada: no se le cobra |

¿No está seguro? El nombre de su plan aparece en **Cuenta → Plan**.

## Cancelar Lumora Complete

1. [Inicie sesión en Lumora]({SIGN_IN}).
2. Haga clic en su dirección de correo, en la esquina superior derecha, y elija **Cuenta**.
3. Desplácese hasta la sección **¿Necesita cancelar?**
4. Haga clic en **Cerrar mi cuenta por completo** y siga las instrucciones de la pantalla.

Al terminar, se cerrará su sesión automáticamente y se anularán los cargos que quedaran
pendientes. ¿Prefiere verlo? [Vídeo: cómo cerrar una cuenta de Lumora Complete]({VIDEO_CLOSE_COMPLETE}).

## Cancelar Lumora Pages Premium

Pages Premium no se cierra, sino que se cambia a un plan inferior: sus páginas siguen
publicadas con el plan gratuito y se dejan de hacer cargos.

1. [Inicie sesión en Lumora]({SIGN_IN}).
2. Haga clic en **Mejorar plan**, en la esquina superior derecha.
3. En la ventana que se abre, elija la pestaña **Lumora Pages**.
4. En **Lumora Pages Free**, haga clic en **Seleccionar este plan**.

[Vídeo: cómo pasar de Pages Premium a Pages Free]({VIDEO_DOWNGRADE_PAGES}).

## Artículos relacionados

- [¿Cómo dejo de pagar?](article:stop-billing)
- [Nuestra política de reembolsos](article:refund-policy)
- [Condiciones del servicio de Lumora]({TERMS})
""",
    ),
    DemoArticleTranslation(
        key="stop-billing",
        title="¿Cómo dejo de pagar?",
        labels=("facturación", "cancelación"),
        body=f"""\
Los cargos se detienen en el momento en que su cuenta deja de tener un plan de pago. Puede
hacerlo usted mismo, cuando quiera, desde Lumora.

## Elija la opción que le convenga

| Quiere… | Qué hacer | Qué pasa con sus datos |
|---|---|---|
| Conservar sus páginas y dejar de pagar | [Cambiar a Lumora Pages Free](article:change-plan) | Las páginas siguen publicadas; los datos del CRM se guardan 30 días |
| Dejarlo todo | [Cerrar su cuenta](article:cancel-account) | Pueden eliminarse de inmediato: [expórtelos antes](article:export-your-data) |
| Pagar menos | [Cambiar a un plan más pequeño](article:change-plan) | No se pierde nada |

## Cargos después de dejar de pagar

- **No** se le volverá a cobrar después de cerrar una cuenta de Lumora Complete; los cargos
  que quedaran pendientes se anulan.
- Si cambia a un plan inferior, el nuevo precio se aplica a partir de su próxima fecha de
  facturación.
- Si aparece un cargo después de haber dejado de pagar, revise [sus facturas](article:invoices)
  y después escríbanos: lo investigaremos.

## Consejo

Si el motivo es el precio, llame a nuestros asesores de Business Solutions al
**{ADVISORS_PHONE}** antes de irse. A menudo encuentran un plan que le sale más barato.
""",
    ),
    DemoArticleTranslation(
        key="compare-plans",
        title="Compare los planes de Lumora",
        labels=("facturación",),
        # Work in progress: agents see a draft translation in the editor and the admin.
        draft=True,
        body="""\
Lumora tiene tres planes. Puede cambiar de uno a otro cuando quiera: consulte
[Cambie de plan](article:change-plan).

| | Lumora Pages Free | Lumora Pages Premium | Lumora Complete |
|---|:---:|:---:|:---:|
| Páginas de destino | 3 | Ilimitadas | Ilimitadas |
| Dominio propio | — | ✓ | ✓ |
| Contactos (CRM) | — | — | ✓ |

(Pendiente: traducir el resto de la tabla y la sección «¿Cuál me conviene?».)
""",
    ),
    DemoArticleTranslation(
        key="change-plan",
        title="Cambie de plan (a uno superior o inferior)",
        labels=("facturación",),
        body="""\
## Pasar a un plan superior

1. Haga clic en **Mejorar plan**, en la esquina superior derecha de su cuenta.
2. Elija la pestaña del producto que quiere: **Lumora Complete** o **Lumora Pages**.
3. Haga clic en **Seleccionar este plan** debajo del plan que desee y confirme los datos de pago.

El cambio se aplica de inmediato. Paga la diferencia por lo que queda del periodo de
facturación actual; el importe se muestra antes de confirmar.

## Pasar a un plan inferior

Siga los mismos pasos y elija un plan más pequeño. El cambio se aplica al final del periodo
de facturación actual, así que conserva lo que ya ha pagado hasta entonces.

Antes de cambiar a un plan inferior, compruebe lo siguiente:

- **De Pages Premium a Pages Free**: solo siguen publicadas las tres páginas que editó más
  recientemente, y se desconectan los dominios propios.
- **De Complete a Pages Premium**: las automatizaciones se detienen y se cancelan las
  campañas programadas. [Exporte sus contactos](article:export-your-data) si quiere
  conservar una copia.

## Véase también

- [Compare los planes de Lumora](article:compare-plans)
- [¿Cómo dejo de pagar?](article:stop-billing)
""",
    ),
    DemoArticleTranslation(
        key="update-card",
        title="Actualice la tarjeta de crédito registrada",
        labels=("facturación",),
        body="""\
Solo el propietario de la cuenta y los miembros del equipo con el rol **Facturación**
pueden cambiar los datos de pago.

1. Haga clic en su dirección de correo, en la esquina superior derecha, y elija **Cuenta**.
2. Abra la pestaña **Facturación**.
3. En **Método de pago**, haga clic en **Sustituir tarjeta**.
4. Introduzca los datos de la nueva tarjeta y haga clic en **Guardar tarjeta**.

El próximo pago se hará con la nueva tarjeta. Si un pago ha fallado hace poco, haga clic en
**Reintentar el pago** en esa misma página para saldarlo enseguida.

## ¿Por qué se ha rechazado mi tarjeta?

- La tarjeta ha caducado, o la dirección de facturación no coincide con la que tiene su banco.
- Su banco ha bloqueado un pago internacional: en algunos países, los cargos de Lumora se
  procesan en el extranjero. Pida a su banco que autorice los pagos a *Lumora Inc.*
- No se completó la confirmación 3-D Secure. Vuelva a intentarlo y apruebe el pago en la
  aplicación de su banco.

Tras tres intentos fallidos, su cuenta queda en pausa (no se elimina). Al actualizar la
tarjeta, se reactiva al instante.
""",
    ),
    DemoArticleTranslation(
        key="invoices",
        title="Descargue sus facturas y recibos",
        labels=("facturación",),
        body="""\
Cada pago genera una factura en PDF.

1. Vaya a **Cuenta → Facturación**.
2. Desplácese hasta **Historial de facturas**.
3. Haga clic en **Descargar** junto a la factura que necesite.

## Añada los datos de su empresa

Para que en las próximas facturas aparezcan el nombre de su empresa, su dirección o su
NIF/CIF, haga clic en **Editar datos de facturación** en esa misma página. Las facturas ya
emitidas no se pueden modificar; si necesita que le volvamos a emitir una, contacte con
Soporte.

## Envíe las facturas a su gestor

En **Destinatarios de facturas**, añada hasta tres direcciones de correo. Cada factura nueva
se les envía en cuanto se emite.
""",
    ),
    DemoArticleTranslation(
        key="refund-policy",
        title="Nuestra política de reembolsos",
        labels=("facturación",),
        body=f"""\
| Situación | ¿Reembolso? |
|---|---|
| Primer pago de una suscripción nueva, solicitado en un plazo de 14 días | Reembolso completo |
| Doble cargo por el mismo periodo | Reembolso completo del cargo duplicado |
| Plan anual cancelado antes de terminar | Los meses completos no usados, menos una comisión del 10 % |
| Plan mensual cancelado antes de terminar | Sin reembolso; el servicio sigue hasta final de mes |
| Complementos ya utilizados (por ejemplo, envíos de correo adicionales) | Sin reembolso |

## Cómo solicitar un reembolso

Inicie un chat desde el botón **Ayuda** de su cuenta o responda al correo de su factura.
Indique el número de factura. El reembolso llega a su tarjeta en un plazo de 5 a 10 días
hábiles.

El texto completo está en nuestras [condiciones del servicio]({TERMS}).
""",
    ),
    DemoArticleTranslation(
        key="export-your-data",
        title="Exporte sus datos",
        labels=("datos",),
        body="""\
Puede descargar todo lo que tiene guardado en Lumora en cualquier momento y con cualquier
plan. Hágalo antes de [cancelar su cuenta](article:cancel-account): los datos de una cuenta
cerrada pueden eliminarse de inmediato.

## Qué puede exportar

| Datos | Formato | Dónde |
|---|---|---|
| Contactos, con todos sus campos y etiquetas | CSV | **Contactos → Exportar** |
| Informes de campañas de correo | CSV | **Correo → Informes → Exportar** |
| Páginas de destino | Paquete HTML (ZIP) | **Páginas → ⋯ → Descargar** |
| Respuestas de formularios | CSV | **Páginas → Formularios → Exportar** |
| Todo a la vez | ZIP | **Cuenta → Sus datos → Exportar todo** |

## Exportar todo a la vez

1. Vaya a **Cuenta → Sus datos**.
2. Haga clic en **Exportar todo**.
3. Preparamos el archivo en segundo plano y le enviamos por correo un enlace de descarga,
   normalmente en unos minutos. El enlace es válido durante 7 días.

## Consejo

En cuentas grandes (más de un millón de contactos) puede tardar hasta una hora. Mientras
tanto, puede seguir trabajando con normalidad.
""",
    ),
    DemoArticleTranslation(
        key="reset-password",
        title="Restablezca su contraseña",
        labels=("seguridad", "primeros pasos"),
        body=f"""\
1. Vaya a la [página de inicio de sesión]({SIGN_IN}) y haga clic en **¿Olvidó su contraseña?**
2. Escriba la dirección de correo con la que inicia sesión.
3. Abra el correo de Lumora y haga clic en **Elegir una contraseña nueva**. El enlace es
   válido durante una hora y solo se puede usar una vez.
4. Elija una contraseña de al menos 12 caracteres que no utilice en ningún otro sitio.

## ¿No le ha llegado el correo?

- Revise la carpeta de spam o de correo no deseado: busque un mensaje de
  *no-reply@lumora.example*.
- Compruebe que ha escrito la dirección con la que se registró: puede que un compañero le
  invitara con otra dirección.
- ¿Sigue sin llegar después de 10 minutos? Consulte [No puedo iniciar sesión](article:cant-sign-in).

Al restablecer la contraseña, se cierra su sesión de Lumora en todos los demás dispositivos.
""",
    ),
    DemoArticleTranslation(
        key="two-factor",
        title="Active la verificación en dos pasos",
        labels=("seguridad",),
        body="""\
La verificación en dos pasos (2FA) le pide, además de la contraseña, un código de seis
dígitos de su teléfono. Así, a quien le robe la contraseña no le basta con ella para entrar.

## Actívela

1. Haga clic en su dirección de correo, en la esquina superior derecha, y elija **Cuenta**.
2. Abra la pestaña **Seguridad** y haga clic en **Configurar la verificación en dos pasos**.
3. Escanee el código QR con una aplicación de autenticación (sirve cualquiera que admita
   códigos TOTP).
4. Escriba el código de seis dígitos que muestra la aplicación y haga clic en **Verificar**.
5. **Guarde sus códigos de recuperación** en un lugar seguro, como un gestor de contraseñas.

## ¿Ha perdido el teléfono?

Inicie sesión con uno de sus códigos de recuperación en lugar del código de seis dígitos.
Cada código sirve una sola vez. Si ya no le quedan códigos, el propietario de la cuenta
puede restablecer su verificación en dos pasos desde **Cuenta → Equipo**; los propietarios
deben contactar con Soporte, que primero comprobará su identidad.

## Exija la verificación en dos pasos a todo el equipo

Los propietarios de cuentas de **Lumora Complete** pueden activar **Exigir la verificación
en dos pasos** en **Cuenta → Seguridad**. A los miembros del equipo que no la tengan se les
pedirá que la configuren la próxima vez que inicien sesión.
""",
    ),
    DemoArticleTranslation(
        key="change-email",
        title="Cambie la dirección de correo con la que inicia sesión",
        labels=("seguridad",),
        body="""\
1. Vaya a **Cuenta → Perfil**.
2. Haga clic en **Cambiar** junto a su dirección de correo.
3. Escriba la nueva dirección y su contraseña actual.
4. Abra el correo de confirmación que enviamos a la dirección **nueva** y haga clic en
   **Confirmar**.

Hasta que confirme, seguirá iniciando sesión con la dirección anterior. También enviamos un
aviso a la dirección anterior, para que sepa si otra persona lo intenta.

> Esto solo cambia su dirección personal de inicio de sesión. Para cambiar la dirección
> **desde** la que se envían sus campañas, consulte
> [Authenticate your sending domain](article:authenticate-sending-domain) (en inglés).
""",
    ),
    DemoArticleTranslation(
        key="welcome-tour",
        title="Bienvenido a Lumora: un recorrido de cinco minutos",
        labels=("primeros pasos",),
        body="""\
Lumora reúne sus contactos, su correo y sus páginas de destino. Así, un visitante que
rellena un formulario en una de sus páginas se convierte en un contacto al que puede hacer
seguimiento automáticamente.

## Las cuatro secciones que más usará

| Sección | Para qué sirve |
|---|---|
| **Contactos** | Todas las personas que conoce: clientes potenciales, clientes, socios. Etiquételas y agrúpelas en listas. |
| **Páginas** | Páginas de destino con formularios, creadas con un editor de arrastrar y soltar. |
| **Correo** | Campañas puntuales a una lista, con informes de aperturas y clics. |
| **Automatizaciones** | Seguimiento que funciona solo: «cuando alguien rellene este formulario, enviar estos tres correos». |

## Su primer día

1. [Configure su cuenta y el perfil de su empresa](article:set-up-account).
2. [Importe sus contactos](article:import-contacts) desde una hoja de cálculo.
3. [Cree su primera página de destino](article:first-landing-page).
4. [Invite a su equipo](article:invite-team).

## Consejo

¿Se ha atascado en algún momento? Haga clic en **Ayuda**, en la esquina inferior derecha de
la aplicación, para buscar en este centro de ayuda sin salir de lo que está haciendo.
""",
    ),
    DemoArticleTranslation(
        key="invite-team",
        title="Invite a miembros del equipo y elija sus roles",
        labels=("equipo",),
        body="""\
1. Vaya a **Cuenta → Equipo** y haga clic en **Invitar**.
2. Escriba la dirección de correo de su compañero y elija un rol.
3. Haga clic en **Enviar invitación**. La invitación es válida durante 7 días.

## Roles

| Rol | Puede | No puede |
|---|---|---|
| **Propietario** | Todo, incluido cerrar la cuenta | — |
| **Administrador** | Todo salvo la facturación y el cierre de la cuenta | Cambiar de plan, ver facturas |
| **Facturación** | Cambiar el plan, el método de pago y las facturas | Editar contactos, páginas o correos |
| **Marketing** | Contactos, páginas, correos y automatizaciones | Equipo, facturación y ajustes de la cuenta |
| **Lector** | Verlo todo, sin cambiar nada | Cualquier cambio |

Cada cuenta tiene un único propietario. Para traspasar la cuenta, el propietario actual abre
**Cuenta → Equipo**, hace clic en **⋯** junto a un administrador y elige **Convertir en
propietario**.

El número de personas que puede invitar depende de su plan: consulte
[Compare los planes de Lumora](article:compare-plans).
""",
    ),
    DemoArticleTranslation(
        key="cant-sign-in",
        title="No puedo iniciar sesión",
        labels=("seguridad", "problemas"),
        body="""\
## «El correo o la contraseña no son correctos»

- [Restablezca su contraseña](article:reset-password). Es más rápido que intentar adivinarla.
- Compruebe que usa la dirección con la que le invitaron; algunos miembros del equipo tienen dos.

## «Su cuenta está bloqueada»

Tras 10 intentos fallidos, el inicio de sesión se bloquea durante 15 minutos para
protegerle. Espere y, después, restablezca su contraseña.

## El código de verificación en dos pasos no se acepta

- La hora de su teléfono debe ser correcta: active la fecha y hora automáticas.
- Use el código más reciente; cada uno dura 30 segundos.
- ¿Ha perdido el teléfono? Use un código de recuperación: consulte
  [Active la verificación en dos pasos](article:two-factor).

## «Su cuenta está en pausa»

Ha fallado un pago. El propietario puede iniciar sesión y
[actualizar la tarjeta](article:update-card); la cuenta se reactiva al momento.

## No funciona nada

Contacte con Soporte desde el formulario al final de esta página. Por su seguridad, antes de
cambiar nada le haremos preguntas que solo puede responder el propietario de la cuenta.
""",
    ),
)

LOCALE = DemoLocale(locale="es", categories=CATEGORIES, sections=SECTIONS, articles=ARTICLES)
